package io.microregistry.etcd;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One value of etcd's gRPC naming layout, as grpc-go's {@code endpoints.Manager} writes it:
 * {@code {"Op":0,"Addr":"127.0.0.1:50051","Metadata":null}} (fields in that order, Go's
 * {@code internal.Update}; {@code Op} 0 is add, 1 delete). go-zero writes the bare address
 * instead ({@code 127.0.0.1:50051}); both are read, the JSON form is written.
 *
 * @param op       0 (add) or 1 (delete)
 * @param addr     the address to dial, {@code host:port}
 * @param metadata any JSON, {@code null} when none (Go's {@code nil})
 */
@JsonPropertyOrder({"Op", "Addr", "Metadata"})
record GrpcEndpointValue(@JsonProperty("Op") int op, @JsonProperty("Addr") String addr,
                         @JsonProperty("Metadata") JsonNode metadata) {

    static final int ADD = 0;
    static final int DELETE = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    GrpcEndpointValue {
        metadata = metadata == null ? NullNode.getInstance() : metadata;
    }

    /** Go's bytes for this value. */
    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a JSON tree we built", e);
        }
    }

    /**
     * The address a stored value announces, if it announces one: an add record with a
     * non-empty {@code Addr}, or a bare {@code host:port}. Empty for a delete record.
     *
     * @throws IllegalArgumentException if the value is neither form
     */
    static Optional<GrpcEndpointValue> decode(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8).trim();
        if (text.startsWith("{")) {
            JsonNode tree;
            try {
                tree = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("endpoint value is not valid JSON: " + e.getOriginalMessage());
            }
            JsonNode addr = tree.get("Addr");
            if (addr == null || !addr.isTextual() || addr.asText().isBlank()) {
                throw new IllegalArgumentException("endpoint value must carry a non-empty \"Addr\" string");
            }
            int op = tree.path("Op").asInt(ADD);
            if (op == DELETE) {
                return Optional.empty();
            }
            if (op != ADD) {
                throw new IllegalArgumentException("endpoint value \"Op\" must be 0 (add) or 1 (delete), got " + op);
            }
            return Optional.of(new GrpcEndpointValue(op, addr.asText(), tree.get("Metadata")));
        }
        if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace) || text.lastIndexOf(':') <= 0) {
            throw new IllegalArgumentException("endpoint value must be endpoints JSON or a bare host:port, got '"
                    + abbreviate(text) + "'");
        }
        return Optional.of(new GrpcEndpointValue(ADD, text, null));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
