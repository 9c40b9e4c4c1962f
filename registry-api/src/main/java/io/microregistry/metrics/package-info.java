/**
 * Metrics without a metrics library: {@link io.microregistry.metrics.RegistryObserver} is told of
 * what an operator watches (registrations kept alive, liveness lost and written back, watch
 * resyncs and status, cache status per service, selections and ejections). No-op unless an
 * implementation, such as {@code registry-micrometer}, is on the class path or passed in.
 */
package io.microregistry.metrics;
