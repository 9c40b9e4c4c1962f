package io.microregistry.grpc;

import io.microregistry.Node;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@code micro:///greeter?version=1.0.0&zone=eu-1} target asks for: the service name
 * (the path without its leading {@code /}), an optional version, and node metadata every
 * node must carry (every other query parameter).
 *
 * @param service  the service name
 * @param version  the only version to use, or empty for all
 * @param metadata node metadata entries a node must have, with these values
 */
record MicroTarget(String service, Optional<String> version, Map<String, String> metadata) {

    static final String VERSION = "version";

    MicroTarget {
        metadata = Map.copyOf(metadata);
    }

    /** Parses a target; throws {@link IllegalArgumentException} naming the part at fault. */
    static MicroTarget parse(URI uri) {
        String path = uri.getPath();
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            throw new IllegalArgumentException("target service name must not be empty: expected micro:///<service>, got "
                    + uri);
        }
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
            throw new IllegalArgumentException("target authority must be empty (the registry is chosen by MICRO_REGISTRY"
                    + " or handed over): expected micro:///<service>, got " + uri);
        }
        String version = null;
        Map<String, String> metadata = new TreeMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("target query parameter must be key=value, got '" + pair + "' in "
                            + uri);
                }
                String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (VERSION.equals(key)) {
                    version = value;
                } else if (metadata.put(key, value) != null) {
                    throw new IllegalArgumentException("target query parameter '" + key + "' given twice in " + uri);
                }
            }
        }
        return new MicroTarget(path.substring(1), Optional.ofNullable(version), metadata);
    }

    /** Whether a node of {@code nodeVersion} passes the filters. */
    boolean accepts(String nodeVersion, Node node) {
        if (version.isPresent() && !version.get().equals(nodeVersion)) {
            return false;
        }
        for (Map.Entry<String, String> wanted : metadata.entrySet()) {
            if (!wanted.getValue().equals(node.metadata().get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
