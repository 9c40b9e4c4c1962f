package io.microregistry.consul;

import io.microregistry.Endpoint;
import io.microregistry.MalformedRecordException;
import io.microregistry.backend.ServiceJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * go-micro's Consul tag codec. A node's metadata, its service's endpoints and version travel
 * as service tags: {@code t-} + hex(zlib(JSON {"k":"v"})) per metadata entry, {@code e-} +
 * hex(zlib(JSON endpoint)) per endpoint, {@code v-} + hex(zlib(version)). Older go-micro wrote
 * the plain forms {@code t=JSON}, {@code e=JSON}, {@code v=version}; both are read.
 *
 * <p>go-micro has no place for service-level metadata in Consul; this library adds one tag
 * {@code s-} + hex(zlib(JSON map)) for it, which go-micro readers ignore. When a node's Consul
 * service ID cannot be its node id (the agent already holds that ID for another service name),
 * an {@code n-} + hex(zlib(node id)) tag carries the real node id.
 *
 * <p>Stateless and thread-safe. Tags that fail to decode are skipped with a warning.
 */
final class GoMicroTags {
    private static final Logger LOG = LoggerFactory.getLogger(GoMicroTags.class);
    private static final HexFormat HEX = HexFormat.of();
    /** A zlib bomb guard: no legitimate tag inflates beyond this. */
    private static final int MAX_INFLATED = 16 * 1024 * 1024;

    private GoMicroTags() {
    }

    /** What a tag list decodes to. Absent parts are empty (version: empty if no tag). */
    record Decoded(Map<String, String> nodeMetadata, boolean hasNodeMetadata, Map<String, String> serviceMetadata,
                   List<Endpoint> endpoints, String version, String nodeId) {
    }

    /** The tag that carries a node id which differs from its Consul service ID. */
    static String nodeIdTag(String nodeId) {
        return "n-" + encode(nodeId);
    }

    /** The tags for one node of a service, in go-micro's order: metadata, endpoints, version. */
    static List<String> encode(Map<String, String> nodeMetadata, Map<String, String> serviceMetadata,
                               List<Endpoint> endpoints, String version) {
        List<String> tags = new ArrayList<>(nodeMetadata.size() + endpoints.size() + 2);
        nodeMetadata.forEach((k, v) -> tags.add("t-" + encode(ServiceJson.encodeStringMap(Map.of(k, v)))));
        for (Endpoint endpoint : endpoints) {
            tags.add("e-" + encode(ServiceJson.encodeEndpoint(endpoint)));
        }
        tags.add("v-" + encode(version));
        if (!serviceMetadata.isEmpty()) {
            tags.add("s-" + encode(ServiceJson.encodeStringMap(serviceMetadata)));
        }
        return tags;
    }

    /** Decodes every tag it knows; {@code context} names the record in warnings. */
    static Decoded decode(List<String> tags, String context) {
        return decode(tags, context, new Warnings());
    }

    /**
     * Which bad tags were already reported, so a reader that sees the same broken record on
     * every lookup warns once, not per request. Thread-safe; bounded.
     */
    static final class Warnings {
        private static final int MAX_REMEMBERED = 1000;
        private final Set<String> seen = ConcurrentHashMap.newKeySet();

        boolean first(String key) {
            return seen.size() < MAX_REMEMBERED && seen.add(key);
        }
    }

    /** Decodes every tag it knows, warning about each bad tag once per {@code warnings}. */
    static Decoded decode(List<String> tags, String context, Warnings warnings) {
        Map<String, String> nodeMetadata = new LinkedHashMap<>();
        Map<String, String> serviceMetadata = new LinkedHashMap<>();
        List<Endpoint> endpoints = new ArrayList<>();
        String version = null;
        String nodeId = null;
        boolean hasNodeMetadata = false;
        for (String tag : tags == null ? List.<String>of() : tags) {
            if (tag == null || tag.length() < 2 || (tag.charAt(1) != '-' && tag.charAt(1) != '=')) {
                continue;
            }
            char kind = tag.charAt(0);
            if (kind != 't' && kind != 'e' && kind != 'v' && kind != 's' && kind != 'n') {
                continue;
            }
            try {
                String text = tag.charAt(1) == '=' ? tag.substring(2) : decode(tag.substring(2));
                switch (kind) {
                    case 't' -> {
                        nodeMetadata.putAll(ServiceJson.decodeStringMap(text));
                        hasNodeMetadata = true;
                    }
                    case 'e' -> endpoints.add(ServiceJson.decodeEndpoint(text));
                    case 'v' -> {
                        if (version == null) {
                            version = text;
                        }
                    }
                    case 'n' -> {
                        if (nodeId == null) {
                            nodeId = text;
                        }
                    }
                    default -> serviceMetadata.putAll(ServiceJson.decodeStringMap(text));
                }
            } catch (MalformedRecordException | IllegalArgumentException e) {
                if (warnings.first(context + '\u0000' + tag)) {
                    LOG.warn("skipping a Consul tag of {} that does not decode ({}): {}", context, e.getMessage(),
                            abbreviate(tag));
                } else {
                    LOG.debug("skipping a Consul tag of {} that does not decode: {}", context, abbreviate(tag));
                }
            }
        }
        return new Decoded(nodeMetadata, hasNodeMetadata, serviceMetadata, endpoints,
                version == null ? "" : version, nodeId);
    }

    /** hex(zlib(UTF-8 text)), lower-case hex as Go writes it. */
    static String encode(String text) {
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return HEX.formatHex(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /**
     * UTF-8 text of unhex + inflate.
     *
     * @throws IllegalArgumentException if the text is not hex of a complete zlib stream
     */
    static String decode(String hex) {
        byte[] compressed = HEX.parseHex(hex);
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("truncated zlib stream");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_INFLATED) {
                    throw new IllegalArgumentException("inflates beyond " + MAX_INFLATED + " bytes");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a zlib stream: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static String abbreviate(String tag) {
        return tag.length() <= 80 ? tag : tag.substring(0, 77) + "...";
    }
}
