/**
 * The plugin SPI and the core over it. A backend writes a {@link io.microregistry.backend.RegistryStore}
 * (record layout, reads, watch, error translation) and its
 * {@link io.microregistry.backend.LivenessGroup} (lease / session / TTL check for one TTL class, with
 * write-back after loss); {@link io.microregistry.backend.StoreRegistry} turns it into the whole
 * {@link io.microregistry.Registry}. Building blocks for stores, so that each writes only what is its
 * own: the go-micro JSON codec, key segments, an event queue that is a
 * {@link io.microregistry.Watcher} (over the stoppable queue the config center's pull watcher
 * shares), the snapshot diff that turns two views into watch events, the
 * lenient decoder of stored records and striped per-key locks.
 *
 * <p>Public because backend modules live in other packages; not meant for applications, which
 * compile against {@code registry-api} and need this module ({@code registry-core}) at run time only.
 */
package io.microregistry.backend;
