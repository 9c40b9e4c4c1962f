package io.microregistry;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Service;
import io.microregistry.Value;
import io.microregistry.WatchOptions;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The rules every backend applies to input before touching the backend, so bad input fails
 * the same way everywhere, the embedded {@code memory} backend included: an
 * {@link IllegalArgumentException} that names the field and the rule, and nothing written.
 *
 * <p><b>Characters.</b> Every string must be valid Unicode: an unpaired UTF-16 surrogate
 * (half of an emoji, {@code "x\uD800"}) cannot be stored by any backend without turning into
 * {@code ?}, where it would share a key with another name, so it is refused. Control
 * characters (U+0000..U+001F, U+007F..U+009F) are refused everywhere except TAB, LF and CR in
 * metadata values (free text such as a PEM certificate). <i>Identity</i> fields — service
 * name, node id, version, endpoint name, metadata keys, value names and types — additionally
 * refuse the invisible format characters of category Cf (U+200B zero width space, U+202E
 * right-to-left override, U+FEFF, …) and the Unicode noncharacters (U+FDD0..U+FDEF and every
 * U+xFFFE/U+xFFFF), because two names that print the same must not be two services (spoofing)
 * and several backends refuse them. Everything else is accepted and round-trips exactly:
 * emoji and other supplementary characters, combining accents, right-to-left scripts, private
 * use characters, {@code / . .. % ? * \ "}; backends encode what their keys cannot hold.
 *
 * <p><b>Limits</b>, chosen so that every backend can store the result (Consul caps a Meta
 * value at 512 characters but carries metadata in tags too; a ZooKeeper znode holds about
 * 1 MB; an etcd request about 1.5 MB):
 * <ul>
 *   <li>service name, node id, version, endpoint name, metadata key, value name and type:
 *       {@value #MAX_NAME_LENGTH} UTF-16 characters;</li>
 *   <li>node address: {@value #MAX_ADDRESS_LENGTH} characters;</li>
 *   <li>metadata value (service, node or endpoint): {@value #MAX_METADATA_VALUE_LENGTH}
 *       characters;</li>
 *   <li>{@link Value} trees: nesting depth {@value #MAX_VALUE_DEPTH}, at most
 *       {@value #MAX_VALUES_PER_ENDPOINT} values per endpoint;</li>
 *   <li>one node's record (the go-micro JSON of the service holding that node):
 *       {@value #MAX_RECORD_BYTES} bytes of UTF-8;</li>
 *   <li>nodes per {@code register} call: {@value #MAX_NODES_PER_REGISTER}.</li>
 * </ul>
 *
 * <p>Applied by every client of this project before it writes; public so that applications
 * can validate input early and rely on the limits.
 *
 * <p>Stateless and thread-safe.
 */
public final class RegistrationRules {

    /** Longest service name, node id, version, endpoint name, metadata key, value name or type, in characters. */
    public static final int MAX_NAME_LENGTH = 255;
    /** Longest node address, in characters. */
    public static final int MAX_ADDRESS_LENGTH = 1024;
    /** Longest metadata value, in characters. */
    public static final int MAX_METADATA_VALUE_LENGTH = 16 * 1024;
    /** Deepest {@link Value} tree: a leaf at the top is depth 1. */
    public static final int MAX_VALUE_DEPTH = 32;
    /** Most {@link Value}s in one endpoint's request and response trees together. */
    public static final int MAX_VALUES_PER_ENDPOINT = 10_000;
    /** Largest record of one node, in bytes of UTF-8 JSON. */
    public static final int MAX_RECORD_BYTES = 256 * 1024;
    /**
     * Nodes in one {@code register} call: one call is all or nothing and holds the client's
     * registration lock while it writes, so its size is bounded (a fleet registers per process).
     * A backend may allow fewer (Consul: 1,000).
     */
    public static final int MAX_NODES_PER_REGISTER = 10_000;

    /** How strict a string check is. */
    private enum Kind {
        /** Names that identify something: no control, format or noncharacters. */
        IDENTITY,
        /** Addresses: no control characters. */
        TEXT,
        /** Metadata values: free text, TAB/LF/CR allowed. */
        FREE_TEXT
    }

    private RegistrationRules() {
    }

    /**
     * Checks a service and its options for {@code register}: every rule above but the record
     * size, which needs the JSON codec and is checked by the core ({@code StoreRegistry} in
     * {@code registry-core}) right after these.
     */
    public static void checkRegister(Service service, RegisterOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        checkNodes(service, "register");
        if (service.nodes().size() > MAX_NODES_PER_REGISTER) {
            throw new IllegalArgumentException("nodes: one register call takes at most " + MAX_NODES_PER_REGISTER
                    + " nodes, was " + service.nodes().size() + "; register them in several calls");
        }
        checkText("service version", service.version(), true, MAX_NAME_LENGTH, Kind.IDENTITY);
        checkMap("service metadata", service.metadata());
        for (Endpoint e : service.endpoints()) {
            if (e == null) {
                throw new IllegalArgumentException("endpoints must not contain null");
            }
            checkText("endpoint name", e.name(), false, MAX_NAME_LENGTH, Kind.IDENTITY);
            checkMap("endpoint metadata", e.metadata());
            int[] count = {0};
            checkValue("endpoint " + e.name() + " request", e.request(), 1, count);
            checkValue("endpoint " + e.name() + " response", e.response(), 1, count);
        }
        for (Node node : service.nodes()) {
            checkText("node address", node.address(), false, MAX_ADDRESS_LENGTH, Kind.TEXT);
            checkMap("node metadata", node.metadata());
        }
    }

    /** Checks a service for {@code deregister}: a name and node ids are all it needs. */
    public static void checkDeregister(Service service) {
        checkNodes(service, "deregister");
    }

    /** Checks the options given to {@code watch}. */
    public static void checkWatch(WatchOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        options.service().ifPresent(RegistrationRules::checkServiceName);
    }

    /** Checks a service name given to a lookup or watch. */
    public static void checkServiceName(String name) {
        checkText("service name", name, false, MAX_NAME_LENGTH, Kind.IDENTITY);
    }

    /**
     * Whether {@code name} is a service name or node id these rules accept. Readers use it to
     * skip foreign records they could not have written.
     */
    public static boolean isAcceptedName(String name) {
        try {
            checkText("name", name, false, MAX_NAME_LENGTH, Kind.IDENTITY);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkNodes(Service service, String operation) {
        if (service == null) {
            throw new IllegalArgumentException("service must not be null");
        }
        checkServiceName(service.name());
        if (service.nodes().isEmpty()) {
            throw new IllegalArgumentException("service nodes must not be empty: " + operation + " acts on nodes");
        }
        Set<String> ids = new HashSet<>();
        for (Node node : service.nodes()) {
            if (node == null) {
                throw new IllegalArgumentException("service nodes must not contain null");
            }
            checkText("node id", node.id(), false, MAX_NAME_LENGTH, Kind.IDENTITY);
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("node id must be unique within the service, '" + node.id()
                        + "' appears twice");
            }
        }
    }

    private static void checkValue(String field, Value value, int depth, int[] count) {
        if (value == null) {
            return;
        }
        // Checked before descending: a tree thousands deep must fail here, not overflow the stack.
        if (depth > MAX_VALUE_DEPTH) {
            throw new IllegalArgumentException(field + " value tree must be at most " + MAX_VALUE_DEPTH
                    + " levels deep");
        }
        if (++count[0] > MAX_VALUES_PER_ENDPOINT) {
            throw new IllegalArgumentException(field + " must hold at most " + MAX_VALUES_PER_ENDPOINT
                    + " values per endpoint");
        }
        checkText(field + " value name", value.name(), true, MAX_NAME_LENGTH, Kind.IDENTITY);
        checkText(field + " value type", value.type(), true, MAX_NAME_LENGTH, Kind.IDENTITY);
        for (Value child : value.values()) {
            checkValue(field, child, depth + 1, count);
        }
    }

    private static void checkText(String field, String value, boolean mayBeEmpty, int maxLength, Kind kind) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (!mayBeEmpty && value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " must be at most " + maxLength + " characters, was "
                    + value.length());
        }
        for (int i = 0; i < value.length(); ) {
            char c = value.charAt(i);
            int cp;
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                cp = Character.toCodePoint(c, value.charAt(i + 1));
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " must be valid Unicode, found an unpaired surrogate U+"
                        + hex(c) + " at index " + i);
            } else {
                cp = c;
            }
            if (Character.isISOControl(cp) && !(kind == Kind.FREE_TEXT && (cp == '\t' || cp == '\n' || cp == '\r'))) {
                throw new IllegalArgumentException(field + " must not contain control characters, found U+"
                        + hex(cp) + " at index " + i);
            }
            if (kind == Kind.IDENTITY) {
                if (Character.getType(cp) == Character.FORMAT) {
                    throw new IllegalArgumentException(field + " must not contain invisible format characters, found U+"
                            + hex(cp) + " at index " + i);
                }
                if (isNoncharacter(cp)) {
                    throw new IllegalArgumentException(field + " must not contain Unicode noncharacters, found U+"
                            + hex(cp) + " at index " + i);
                }
            }
            i += Character.charCount(cp);
        }
    }

    private static boolean isNoncharacter(int cp) {
        return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static String hex(int cp) {
        return String.format("%04X", cp);
    }

    private static void checkMap(String field, Map<String, String> map) {
        for (Map.Entry<String, String> entry : map.entrySet()) {
            checkText(field + " key", entry.getKey(), false, MAX_NAME_LENGTH, Kind.IDENTITY);
            checkText(field + " value of '" + entry.getKey() + "'", entry.getValue(), true,
                    MAX_METADATA_VALUE_LENGTH, Kind.FREE_TEXT);
        }
    }
}
