/**
 * The etcd backend, provider name {@code etcd}: {@link io.microregistry.etcd.EtcdRegistry}
 * on jetcd, in go-micro's etcd wire format.
 */
package io.microregistry.etcd;
