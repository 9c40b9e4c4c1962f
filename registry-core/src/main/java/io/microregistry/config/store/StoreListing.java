package io.microregistry.config.store;

import io.microregistry.config.ConfigEntry;

import java.util.List;

/**
 * The entries under a prefix at one moment, with the backend revision of that moment (etcd
 * header revision, Consul {@code X-Consul-Index}, ZooKeeper: the largest mzxid seen, or 0).
 *
 * @param entries  never null
 * @param revision the revision to resume a watch after
 */
public record StoreListing(List<ConfigEntry> entries, long revision) {
    public StoreListing {
        entries = List.copyOf(entries);
    }
}
