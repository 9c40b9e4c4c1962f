/**
 * The embedded default backend: a registry held in this JVM's memory, with the full
 * semantics of the others (TTL expiry, per-node watch events), so an application and its
 * tests run with no server at all.
 */
package io.microregistry.memory;
