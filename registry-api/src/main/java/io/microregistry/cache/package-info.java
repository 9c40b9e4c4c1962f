/**
 * A watch-driven cache of a {@link io.microregistry.Registry}: lookups served from memory,
 * kept current by one watch per service, stale but never empty through backend outages.
 * See {@link io.microregistry.cache.CachingRegistry}.
 */
package io.microregistry.cache;
