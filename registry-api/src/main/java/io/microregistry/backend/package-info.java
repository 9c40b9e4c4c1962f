/**
 * Building blocks for backend authors, so that each backend writes only what is its own:
 * the go-micro JSON codec, key segments, registration rules, backoff, an event queue that
 * is a {@link io.microregistry.Watcher}, the snapshot diff that turns two views into watch
 * events, the grouping of per-node records into services per version, the lenient decoder
 * of stored records and striped per-key locks.
 *
 * <p>Public because backend modules live in other packages; not meant for applications.
 */
package io.microregistry.backend;
