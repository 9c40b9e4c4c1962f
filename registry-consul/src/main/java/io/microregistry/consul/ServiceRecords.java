package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Service;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;
import org.kiwiproject.consul.model.agent.Registration;
import org.kiwiproject.consul.model.health.ServiceHealth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The mapping between one node of a {@link Service} and one Consul agent service, as go-micro
 * lays it out: {@code ID} = node id, {@code Name} = service name, {@code Address}/{@code Port}
 * from the node address, {@code Meta} = node metadata (where Consul allows), tags from
 * {@link GoMicroTags}, and a TTL check.
 *
 * <p>Stateless and thread-safe.
 */
final class ServiceRecords {

    /** Consul's rules for Meta (structs.ValidateMetadata): keys, sizes, count, reserved prefix. */
    private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final int META_MAX_VALUE_BYTES = 512;
    private static final int META_MAX_PAIRS = 64;
    private static final String META_RESERVED_PREFIX = "consul-";
    /** Consul reaps critical services no sooner than this, whatever is asked. */
    private static final Duration MIN_DEREGISTER_AFTER = Duration.ofMinutes(1);

    private ServiceRecords() {
    }

    /**
     * The agent registration of {@code node} as a node of {@code service}, with a TTL check,
     * under Consul service ID {@code consulId} (the node id, unless that ID is taken on the
     * agent by another service name; see {@link #qualifiedId}).
     */
    static Registration registration(Service service, Node node, Duration ttl, String consulId) {
        HostPort hostPort = HostPort.split(node.address());
        Duration deregisterAfter = ttl.compareTo(MIN_DEREGISTER_AFTER) > 0 ? ttl : MIN_DEREGISTER_AFTER;
        List<String> tags = new ArrayList<>(
                GoMicroTags.encode(node.metadata(), service.metadata(), service.endpoints(), service.version()));
        if (!consulId.equals(node.id())) {
            tags.add(GoMicroTags.nodeIdTag(node.id()));
        }
        ImmutableRegistration.Builder builder = ImmutableRegistration.builder()
                .id(consulId)
                .name(ConsulIds.consulName(service.name()))
                .address(hostPort.host())
                .tags(tags)
                .meta(consulMeta(node.metadata()))
                .check(ImmutableRegCheck.builder()
                        .ttl(ttl.toMillis() + "ms")
                        // Visible at once: a TTL check otherwise starts critical until the first pass.
                        .status("passing")
                        .deregisterCriticalServiceAfter(seconds(deregisterAfter))
                        .notes("micro-registry keep-alive, TTL " + ttl)
                        .build());
        if (hostPort.port() > 0) {
            builder.port(hostPort.port());
        }
        return builder.build();
    }

    /**
     * The Consul service ID for node {@code nodeId} of service {@code name} when the plain node
     * id is taken on the agent by another service name. go-micro uses the node id as the ID, and
     * go-micro node ids are unique across services, so this is the exception, not the rule.
     */
    static String qualifiedId(String name, String nodeId) {
        return ConsulIds.qualified(name, nodeId);
    }

    /**
     * The subset of node metadata Consul accepts as Meta: keys of {@code [A-Za-z0-9_-]}, at most
     * 128 characters, not starting with {@code consul-}; values of at most 512 bytes; at most 64
     * pairs (first by key order). Everything, including what is left out here, is in the tags.
     */
    static Map<String, String> consulMeta(Map<String, String> metadata) {
        Map<String, String> meta = new TreeMap<>();
        new TreeMap<>(metadata).forEach((key, value) -> {
            if (meta.size() < META_MAX_PAIRS && META_KEY.matcher(key).matches()
                    && !key.startsWith(META_RESERVED_PREFIX)
                    && value.getBytes(StandardCharsets.UTF_8).length <= META_MAX_VALUE_BYTES) {
                meta.put(key, value);
            }
        });
        return meta;
    }

    /**
     * The records of a health answer, keyed by Consul node and service id, keeping only entries
     * whose decoded service name is exactly {@code name} (Consul matches names case-insensitively)
     * and whose identity is consistent (see {@link #belongs}).
     */
    static Map<String, Service> passing(String name, List<ServiceHealth> entries,
                                        GoMicroTags.Warnings warnings) {
        Map<String, Service> records = new LinkedHashMap<>();
        for (ServiceHealth entry : entries == null ? List.<ServiceHealth>of() : entries) {
            if (belongs(name, entry, warnings)) {
                records.put(key(entry), fromHealth(entry, warnings));
            }
        }
        return records;
    }

    /**
     * Whether a health entry is a node of service {@code name}: its Consul name decodes to
     * exactly {@code name}, and a {@link ConsulIds#qualified} ID names the same service (a record
     * whose ID says another service is not served under this one; warned once).
     */
    static boolean belongs(String name, ServiceHealth entry, GoMicroTags.Warnings warnings) {
        var s = entry.getService();
        return s != null && belongs(name, s.getService(), s.getId(), warnings);
    }

    /** {@link #belongs(String, ServiceHealth, GoMicroTags.Warnings)} of an agent service's Consul name and ID. */
    static boolean belongs(String name, String consulName, String id, GoMicroTags.Warnings warnings) {
        if (!name.equals(ConsulIds.name(consulName))) {
            return false;
        }
        String[] qualified = ConsulIds.parseQualified(id);
        if (qualified != null && !qualified[0].equals(name)) {
            if (warnings.first("identity\u0000" + id)) {
                org.slf4j.LoggerFactory.getLogger(ServiceRecords.class).warn(
                        "skipping Consul service ID '{}' under service '{}': its ID names another service", id,
                        consulName);
            }
            return false;
        }
        return true;
    }

    /** The key of a health entry in {@link #passing}: Consul node and service id. */
    static String key(ServiceHealth entry) {
        String consulNode = entry.getNode() == null ? "" : entry.getNode().getNode();
        return consulNode + '\u0000' + entry.getService().getId();
    }

    /** The record of one health entry: a {@link Service} holding its one node. */
    static Service fromHealth(ServiceHealth entry, GoMicroTags.Warnings warnings) {
        var s = entry.getService();
        return record(s.getService(), s.getId(), s.getAddress(), s.getPort(), s.getTags(), s.getMeta(),
                entry.getNode() == null ? null : entry.getNode().getNode(), warnings);
    }

    /** The record of one agent service. */
    static Service record(String name, String id, String address, int port, List<String> tags,
                          Map<String, String> meta, String consulNode, GoMicroTags.Warnings warnings) {
        GoMicroTags.Decoded decoded = GoMicroTags.decode(tags, "service '" + name + "' node '" + id + "'"
                + (consulNode == null ? "" : " on Consul node '" + consulNode + "'"), warnings);
        Map<String, String> nodeMetadata = decoded.hasNodeMetadata() || meta == null ? decoded.nodeMetadata() : meta;
        String[] qualified = ConsulIds.parseQualified(id);
        // A qualified ID carries the node id exactly (UTF-16 units); the tag is for go-micro-era readers.
        String nodeId = qualified != null ? qualified[1] : decoded.nodeId() == null ? id : decoded.nodeId();
        String decodedName = ConsulIds.name(name);
        name = decodedName == null ? name : decodedName;
        Node node = new Node(nodeId, HostPort.join(address == null ? "" : address, port), nodeMetadata);
        return new Service(name, decoded.version(), decoded.serviceMetadata(), decoded.endpoints(), List.of(node));
    }

    private static String seconds(Duration d) {
        return ((d.toMillis() + 999) / 1000) + "s";
    }
}
