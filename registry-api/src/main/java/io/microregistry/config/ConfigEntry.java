package io.microregistry.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One stored configuration value.
 *
 * <p>Immutable and thread-safe: the value is copied in and out.
 *
 * @param key      the key, relative to the backend's config root ({@code app/db/url})
 * @param value    the raw bytes; empty allowed, never null
 * @param version  what {@link Config#putIfVersion} compares against: etcd mod revision, Consul
 *                 ModifyIndex, ZooKeeper znode data version, memory revision
 * @param revision the backend's global order of this entry's last modification (etcd mod
 *                 revision, Consul ModifyIndex, ZooKeeper mzxid); changes are delivered in
 *                 this order
 */
public record ConfigEntry(String key, byte[] value, long version, long revision) {

    public ConfigEntry {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        value = value == null ? new byte[0] : value.clone();
    }

    /** A copy of the raw bytes. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigEntry e && key.equals(e.key) && version == e.version
                && revision == e.revision && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return (key.hashCode() * 31 + Arrays.hashCode(value)) * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "ConfigEntry[" + key + " v" + version + " r" + revision + ", " + value.length + " bytes]";
    }
}
