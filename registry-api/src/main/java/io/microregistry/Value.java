package io.microregistry;

import java.util.List;

/**
 * A named, typed value in an endpoint's request or response description; values nest into trees.
 *
 * <p>Immutable and thread-safe. {@code name} and {@code type} are never null (null becomes
 * {@code ""}); a null {@code values} list (Go's nil slice) becomes an empty list.
 *
 * @param name   field name, e.g. {@code "msg"}
 * @param type   type name, e.g. {@code "string"}
 * @param values nested values, never null
 */
public record Value(String name, String type, List<Value> values) {
    public Value {
        name = name == null ? "" : name;
        type = type == null ? "" : type;
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** A leaf value with no nested values. */
    public static Value of(String name, String type) {
        return new Value(name, type, List.of());
    }
}
