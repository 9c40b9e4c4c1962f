/**
 * The etcd backend, provider name {@code etcd}, on jetcd, in go-micro's etcd wire format: one
 * key per node at {@code /micro/registry/<service>/<nodeId>} (each part as
 * {@link io.microregistry.backend.KeySegment#of}: go-micro's own segment for names without
 * {@code /}, percent-encoded otherwise), holding the go-micro JSON of the service with that
 * one node, on a lease of the registration TTL.
 *
 * <p>Only {@link io.microregistry.etcd.EtcdRegistryProvider} is public; everything else is
 * reached through {@link io.microregistry.Registries}.
 */
package io.microregistry.etcd;
