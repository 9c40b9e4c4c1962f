package io.microregistry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Null handling shared by the model records: Go writes nil maps, users pass nulls. */
final class Models {
    private Models() {
    }

    static void requireNonNull(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
    }

    /** Copies into an unmodifiable map that keeps insertion order; null becomes empty. */
    static Map<String, String> immutableMap(Map<String, String> map, String field) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(map.size() * 2);
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException(field + " must not contain a null key");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(field + " value for key '" + e.getKey() + "' must not be null");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }
}
