package io.microregistry.etcd;

import io.etcd.jetcd.KeyValue;

import java.util.List;

/**
 * Every key under a prefix as of one revision, read page by page.
 *
 * @param kvs       the keys and values, in key order
 * @param revision  the store revision every page was read at
 * @param clusterId the cluster that answered
 */
record PrefixRead(List<KeyValue> kvs, long revision, long clusterId) {
}
