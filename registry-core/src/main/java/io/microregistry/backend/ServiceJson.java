package io.microregistry.backend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microregistry.Endpoint;
import io.microregistry.MalformedRecordException;
import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The go-micro JSON shape of a {@link Service}: fields {@code name, version, metadata,
 * endpoints, nodes}; {@code id, address, metadata} for a node; {@code name, request,
 * response, metadata} for an endpoint; {@code name, type, values} for a value. Reads Go's
 * {@code null} maps and lists as empty and ignores fields it does not know.
 *
 * <p>Stateless and thread-safe.
 */
public final class ServiceJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ServiceJson() {
    }

    /** UTF-8 JSON of the service. */
    public static byte[] encode(Service service) {
        try {
            return MAPPER.writeValueAsBytes(toJson(service));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode service " + service.name(), e);
        }
    }

    /** JSON text of the service. */
    public static String encodeToString(Service service) {
        return new String(encode(service), StandardCharsets.UTF_8);
    }

    /** JSON text of a value tree (Consul endpoint tags carry endpoints alone). */
    public static String encodeEndpoint(Endpoint endpoint) {
        try {
            return MAPPER.writeValueAsString(toJson(endpoint));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode endpoint " + endpoint.name(), e);
        }
    }

    /**
     * Decodes a service.
     *
     * @throws MalformedRecordException if the bytes are not a JSON object of that shape
     */
    public static Service decode(byte[] json) {
        try {
            return service(object(MAPPER.readTree(json), "service"));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedRecordException("not a go-micro service record: " + e.getMessage(), e);
        }
    }

    /** Decodes a service from JSON text. */
    public static Service decode(String json) {
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes one endpoint, as Consul's {@code e-} tags carry them. */
    public static Endpoint decodeEndpoint(String json) {
        try {
            return endpoint(object(MAPPER.readTree(json), "endpoint"));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedRecordException("not a go-micro endpoint record: " + e.getMessage(), e);
        }
    }

    /** Decodes a flat JSON object of strings, as Consul's {@code t-} tags carry metadata. */
    public static Map<String, String> decodeStringMap(String json) {
        try {
            return stringMap(MAPPER.readTree(json));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedRecordException("not a JSON object of strings: " + e.getMessage(), e);
        }
    }

    /** JSON text of a flat map of strings. */
    public static String encodeStringMap(Map<String, String> map) {
        try {
            return MAPPER.writeValueAsString(stringMapJson(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode map", e);
        }
    }

    // ---- writing -------------------------------------------------------------------------

    private static ObjectNode toJson(Service s) {
        ObjectNode o = NODES.objectNode();
        o.put("name", s.name());
        o.put("version", s.version());
        o.set("metadata", stringMapJson(s.metadata()));
        ArrayNode endpoints = o.putArray("endpoints");
        s.endpoints().forEach(e -> endpoints.add(toJson(e)));
        ArrayNode nodes = o.putArray("nodes");
        for (Node n : s.nodes()) {
            ObjectNode node = nodes.addObject();
            node.put("id", n.id());
            node.put("address", n.address());
            node.set("metadata", stringMapJson(n.metadata()));
        }
        return o;
    }

    private static ObjectNode toJson(Endpoint e) {
        ObjectNode o = NODES.objectNode();
        o.put("name", e.name());
        o.set("request", toJson(e.request()));
        o.set("response", toJson(e.response()));
        o.set("metadata", stringMapJson(e.metadata()));
        return o;
    }

    private static JsonNode toJson(Value v) {
        if (v == null) {
            return NODES.nullNode();
        }
        ObjectNode o = NODES.objectNode();
        o.put("name", v.name());
        o.put("type", v.type());
        ArrayNode values = o.putArray("values");
        v.values().forEach(child -> values.add(toJson(child)));
        return o;
    }

    private static ObjectNode stringMapJson(Map<String, String> map) {
        ObjectNode o = NODES.objectNode();
        map.forEach(o::put);
        return o;
    }

    // ---- reading -------------------------------------------------------------------------

    private static Service service(JsonNode o) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (JsonNode e : array(o.get("endpoints"), "endpoints")) {
            endpoints.add(endpoint(object(e, "endpoint")));
        }
        List<Node> nodes = new ArrayList<>();
        for (JsonNode n : array(o.get("nodes"), "nodes")) {
            object(n, "node");
            nodes.add(new Node(text(n.get("id"), "node id"), text(n.get("address"), "node address"),
                    stringMap(n.get("metadata"))));
        }
        return new Service(text(o.get("name"), "name"), text(o.get("version"), "version"),
                stringMap(o.get("metadata")), endpoints, nodes);
    }

    private static Endpoint endpoint(JsonNode o) {
        return new Endpoint(text(o.get("name"), "endpoint name"), value(o.get("request")), value(o.get("response")),
                stringMap(o.get("metadata")));
    }

    private static Value value(JsonNode o) {
        if (o == null || o.isNull()) {
            return null;
        }
        object(o, "value");
        List<Value> values = new ArrayList<>();
        for (JsonNode child : array(o.get("values"), "values")) {
            Value v = value(child);
            if (v != null) {
                values.add(v);
            }
        }
        return new Value(text(o.get("name"), "value name"), text(o.get("type"), "value type"), values);
    }

    private static JsonNode object(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return n;
    }

    private static Iterable<JsonNode> array(JsonNode n, String what) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(what + " must be a JSON array or null");
        }
        return n;
    }

    private static String text(JsonNode n, String what) {
        if (n == null || n.isNull()) {
            return "";
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException(what + " must be a string");
        }
        return n.textValue();
    }

    private static Map<String, String> stringMap(JsonNode n) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("metadata must be a JSON object or null");
        }
        Map<String, String> map = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return map;
    }
}
