/**
 * Client-side load balancing over the watch-driven cache: a {@link io.microregistry.selector.Selector}
 * picks a node of a service with a {@link io.microregistry.selector.Strategy}, narrowed by
 * {@link io.microregistry.selector.Filter}s, and learns from the caller's
 * {@link io.microregistry.selector.Selection} feedback which nodes to avoid for a while.
 *
 * <p>Failures of a selection are {@link java.util.NoSuchElementException}s, split in two:
 * {@link io.microregistry.selector.NoSuchServiceException} (the registry has no node of that
 * service) and {@link io.microregistry.selector.NoEligibleNodeException} (it has nodes, but every
 * one was filtered out or is ejected). A registry that cannot be read when a service is first
 * looked up is a {@link io.microregistry.RegistryUnavailableException}, never "no nodes".
 */
package io.microregistry.selector;
