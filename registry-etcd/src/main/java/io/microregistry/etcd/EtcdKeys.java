package io.microregistry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.microregistry.Service;
import io.microregistry.backend.KeySegment;
import io.microregistry.backend.RecordDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The key layout of go-micro's etcd registry: {@code /micro/registry/<service>/<nodeId>}, or
 * {@code <namespace>/<service>/<nodeId>} for a client given a
 * {@link io.microregistry.RegistryConfig#namespace() namespace}.
 *
 * <p>This library writes each part as {@link KeySegment#of}: go-micro's own segment for
 * every name go-micro writes unambiguously (no {@code /}, e.g. {@code go.micro.srv.greeter}),
 * percent-encoded otherwise, so {@code a/b} and {@code a-b} never share a key. go-micro
 * itself writes {@code a/b} under {@link KeySegment#goMicro} ({@code a-b}); readers therefore
 * read both segments when they differ and keep only records whose decoded name is the one
 * asked for.
 *
 * <p>Immutable and thread-safe.
 */
final class EtcdKeys {

    /** go-micro's root: every record lives under it unless a namespace says otherwise. */
    static final String ROOT = "/micro/registry/";
    static final EtcdKeys DEFAULT = new EtcdKeys(ROOT);

    private final String root;

    private EtcdKeys(String root) {
        this.root = root;
    }

    /** The layout under {@code config}'s namespace, or go-micro's {@link #ROOT}. */
    static EtcdKeys of(io.microregistry.RegistryConfig config) {
        return config.namespace().map(namespace -> new EtcdKeys(namespace + "/")).orElse(DEFAULT);
    }

    /** The prefix every record of this layout lives under, ending with {@code /}. */
    String root() {
        return root;
    }

    /** The key this library writes for one node of one service. */
    String node(String serviceName, String nodeId) {
        return root + KeySegment.of(serviceName) + "/" + KeySegment.of(nodeId);
    }

    /** The key go-micro writes for the node; equal to {@link #node} unless a name holds {@code /} or the like. */
    String goMicroNode(String serviceName, String nodeId) {
        return root + KeySegment.goMicro(serviceName) + "/" + KeySegment.goMicro(nodeId);
    }

    /**
     * The prefixes that may hold records of {@code serviceName}: ours, and go-micro's if it
     * differs. Each ends with {@code /}, so service {@code a} does not read service {@code ab}.
     */
    List<String> service(String serviceName) {
        String ours = root + KeySegment.of(serviceName) + "/";
        String theirs = root + KeySegment.goMicro(serviceName) + "/";
        return ours.equals(theirs) ? List.of(ours) : List.of(ours, theirs);
    }

    /** One prefix covering every record of {@code serviceName}: its own, or the root when there are two. */
    String watchPrefix(String serviceName) {
        List<String> prefixes = service(serviceName);
        return prefixes.size() == 1 ? prefixes.get(0) : root;
    }

    static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence key) {
        return key.toString(StandardCharsets.UTF_8);
    }

    /**
     * The one-node record stored in {@code kv}, or empty (warned once per key) if it is not
     * one, or if its decoded service name and node id do not lead to this very key (ours or
     * go-micro's form): a record never reads back under an identity other than its location.
     */
    Optional<Service> record(RecordDecoder decoder, KeyValue kv) {
        String key = text(kv.getKey());
        return decoder.decodeOneNode(key, kv.getValue().getBytes()).filter(record -> {
            String id = record.nodes().get(0).id();
            if (key.equals(node(record.name(), id)) || key.equals(goMicroNode(record.name(), id))) {
                return true;
            }
            decoder.skip(key, "it holds service '" + record.name() + "' node '" + id + "', which belongs at "
                    + node(record.name(), id));
            return false;
        });
    }
}
