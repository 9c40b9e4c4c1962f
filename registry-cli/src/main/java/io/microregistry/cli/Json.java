package io.microregistry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microregistry.Service;
import io.microregistry.backend.ServiceJson;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON the command prints with {@code --output json}. Services appear exactly in go-micro's JSON shape
 * ({@link ServiceJson}), so scripts written for Go tooling read them unchanged. Stateless and thread-safe.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** The go-micro JSON of a service, as a tree to embed. */
    static JsonNode service(Service service) {
        try {
            return MAPPER.readTree(ServiceJson.encode(service));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Indented, for a whole result printed once. */
    static String pretty(JsonNode node) {
        try {
            return MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line, for streams of events (one JSON document per line). */
    static String line(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
