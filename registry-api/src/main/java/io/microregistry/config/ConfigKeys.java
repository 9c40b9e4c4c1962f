package io.microregistry.config;

import java.nio.charset.StandardCharsets;

/**
 * The key and value rules every backend shares, checked before anything is written.
 *
 * <p>A key is a {@code /}-separated path relative to the backend's config root
 * ({@code /micro/config} on etcd and ZooKeeper, {@code micro/config/} in Consul KV): no
 * leading or trailing {@code /}, no empty segment, no {@code .} or {@code ..} segment, no
 * control character, at most {@value #MAX_KEY_BYTES} UTF-8 bytes. A prefix is {@code ""}
 * (everything) or a key, with or without a trailing {@code /}; it always means "that
 * directory": {@code app} matches {@code app/x}, never {@code app2/x}.
 *
 * <p>A value is at most {@value #MAX_VALUE_BYTES} bytes (512 KiB) on every backend: Consul
 * KV's default limit, the smallest of the four (etcd's request limit is about 1.5 MiB,
 * ZooKeeper's znode limit about 1 MiB).
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigKeys {

    /** The largest value any backend accepts: 512 KiB. */
    public static final int MAX_VALUE_BYTES = 512 * 1024;

    /** The longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 512;

    private ConfigKeys() {
    }

    /**
     * Checks a key.
     *
     * @return the key
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String key(String key) {
        if (key == null) {
            throw new IllegalArgumentException("config key must not be null");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("config key must not be empty");
        }
        if (key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("config key '" + printable(key)
                    + "' must not start or end with '/' (keys are relative to the config root)");
        }
        checkPath("config key", key);
        return key;
    }

    /**
     * Checks a prefix and returns it in directory form: {@code ""} or ending with {@code /}.
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String prefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("config prefix must not be null");
        }
        if (prefix.isEmpty()) {
            return "";
        }
        if (prefix.startsWith("/")) {
            throw new IllegalArgumentException("config prefix '" + printable(prefix)
                    + "' must not start with '/' (prefixes are relative to the config root)");
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (body.isEmpty() || body.endsWith("/")) {
            throw new IllegalArgumentException("config prefix '" + printable(prefix) + "' must not have an empty segment");
        }
        checkPath("config prefix", body);
        return body + "/";
    }

    /**
     * Checks a value's size.
     *
     * @throws IllegalArgumentException if it is null or larger than {@link #MAX_VALUE_BYTES}
     */
    public static byte[] value(String key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("config value of '" + key + "' must not be null (use an empty value)");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("config value of '" + key + "' is " + value.length
                    + " bytes; the limit on every backend is " + MAX_VALUE_BYTES + " bytes (512 KiB, Consul KV's)");
        }
        return value;
    }

    /** Whether {@code key} lies under the directory-form {@code prefix}. */
    public static boolean under(String directoryPrefix, String key) {
        return key.startsWith(directoryPrefix);
    }

    private static void checkPath(String what, String path) {
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_KEY_BYTES + " UTF-8 bytes");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw new IllegalArgumentException(what + " '" + printable(path)
                        + "' must not contain control characters (found U+" + String.format("%04X", (int) c) + ")");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < path.length()
                    && Character.isLowSurrogate(path.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                    && Character.isHighSurrogate(path.charAt(i - 1)))) {
                throw new IllegalArgumentException(what + " '" + printable(path) + "' must be valid Unicode (lone surrogate)");
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException(what + " '" + printable(path) + "' must not have an empty segment ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(what + " '" + printable(path)
                        + "' must not have a '.' or '..' segment (nothing may escape the config root)");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
