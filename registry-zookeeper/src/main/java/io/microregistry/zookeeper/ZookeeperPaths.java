package io.microregistry.zookeeper;

import io.microregistry.backend.KeySegment;
import org.apache.zookeeper.common.PathUtils;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The go-micro znode layout: {@code /micro-registry/<service>/<nodeId>}, or
 * {@code <namespace>/<service>/<nodeId>} for a client given a
 * {@link io.microregistry.RegistryConfig#namespace() namespace}.
 *
 * <p>This client writes each segment with {@link KeySegment#of} (go-micro's own segment for
 * every name go-micro writes unambiguously, percent-encoded otherwise, so {@code a/b} and
 * {@code a-b} never share a znode). go-micro itself writes {@link KeySegment#goMicro}
 * ({@code /} becomes {@code -}); for names containing {@code /} readers look in both places
 * and keep only records whose decoded name (and node id) is the one asked for.
 *
 * <p>Immutable and thread-safe.
 */
final class ZookeeperPaths {

    /** Where go-micro keeps its registry. */
    static final String ROOT = "/micro-registry";
    static final ZookeeperPaths DEFAULT = new ZookeeperPaths(ROOT);

    private final String root;

    /** @param root an absolute znode path without a trailing {@code /} (checked by {@link io.microregistry.RegistryConfig}) */
    ZookeeperPaths(String root) {
        this.root = root;
    }

    /** The directory every service directory of this layout lives in. */
    String root() {
        return root;
    }

    /**
     * The directory this client writes a service's nodes into.
     *
     * @throws IllegalArgumentException if the name cannot be stored injectively (see {@link #segment})
     */
    String service(String serviceName) {
        return root + "/" + segment(serviceName, "service name");
    }

    /**
     * The znode this client writes for one node of a service.
     *
     * @throws IllegalArgumentException if the name or id cannot be stored injectively (see {@link #segment})
     */
    String node(String serviceName, String nodeId) {
        return service(serviceName) + "/" + segment(nodeId, "node id");
    }

    /**
     * {@link KeySegment#of}, made safe for ZooKeeper: the control characters ZooKeeper also
     * forbids in a path (U+0000..U+001F, U+007F..U+009F) are percent-encoded as well. That
     * stays injective: a name holding {@code %} is always percent-encoded by
     * {@code KeySegment}, so a literal {@code %01} can never be mistaken for an encoded one.
     * An unpaired UTF-16 surrogate has no UTF-8 form (it would become {@code ?}, and
     * {@code x\uD800}, {@code x\uDBFF} and {@code x?} would share one znode), so it is
     * refused.
     *
     * @throws IllegalArgumentException naming the field, for an unpaired surrogate
     */
    static String segment(String value, String field) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " must be valid Unicode: it holds an unpaired UTF-16"
                        + " surrogate (U+" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ") at index "
                        + i + ", which ZooKeeper cannot store apart from other names");
            }
        }
        String segment = KeySegment.of(value);
        StringBuilder out = null;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean control = c <= 0x1F || (c >= 0x7F && c <= 0x9F);
            if (control && out == null) {
                out = new StringBuilder(segment.length() + 8).append(segment, 0, i);
            }
            if (out != null) {
                if (control) {
                    for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                                .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                    }
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? segment : out.toString();
    }

    /** Every directory that may hold nodes of the service: ours, then go-micro's if different. */
    List<String> serviceDirectories(String serviceName) {
        Set<String> directories = new LinkedHashSet<>();
        directories.add(service(serviceName));
        addIfValid(directories, root + "/" + KeySegment.goMicro(serviceName));
        return List.copyOf(directories);
    }

    /** Every znode that may hold the node: ours, then where go-micro would write it. */
    List<String> nodeCandidates(String serviceName, String nodeId) {
        Set<String> paths = new LinkedHashSet<>();
        paths.add(node(serviceName, nodeId));
        addIfValid(paths, root + "/" + KeySegment.goMicro(serviceName) + "/" + KeySegment.goMicro(nodeId));
        return List.copyOf(paths);
    }

    /**
     * go-micro's segment keeps characters ZooKeeper rejects in a path (emoji, say): no go-micro
     * client can have written there, so such a path is not worth asking for.
     */
    private static void addIfValid(Set<String> paths, String path) {
        try {
            PathUtils.validatePath(path);
            paths.add(path);
        } catch (IllegalArgumentException e) {
            // Not a possible znode path.
        }
    }

    /**
     * The one directory a watch of this service can be confined to, or the root when its
     * nodes may live in two directories.
     */
    String watchRoot(String serviceName) {
        List<String> directories = serviceDirectories(serviceName);
        return directories.size() == 1 ? directories.get(0) : root;
    }

    /** Whether {@code path} is a node znode: exactly two segments below the root. */
    boolean isNode(String path) {
        return depth(path) == 2;
    }

    /** How deep below the root the path is: 0 for the root, 1 for a service, 2 for a node, -1 outside. */
    int depth(String path) {
        if (path.equals(root)) {
            return 0;
        }
        if (!path.startsWith(root + "/")) {
            return -1;
        }
        return (int) path.substring(root.length()).chars().filter(c -> c == '/').count();
    }
}
