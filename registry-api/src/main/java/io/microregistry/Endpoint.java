package io.microregistry;

import java.util.Map;

/**
 * An endpoint a service exposes, with the shape of its request and response.
 *
 * <p>Immutable and thread-safe. {@code name} is never null (null becomes {@code ""});
 * {@code request} and {@code response} may be null, as Go's nil pointers are; a null
 * {@code metadata} map becomes empty.
 *
 * @param name     endpoint name, e.g. {@code "Greeter.Hello"}
 * @param request  request shape, or null when unknown
 * @param response response shape, or null when unknown
 * @param metadata free-form labels, never null
 */
public record Endpoint(String name, Value request, Value response, Map<String, String> metadata) {
    public Endpoint {
        name = name == null ? "" : name;
        metadata = Models.immutableMap(metadata, "endpoint metadata");
    }

    /** An endpoint with a name only. */
    public static Endpoint of(String name) {
        return new Endpoint(name, null, null, Map.of());
    }
}
