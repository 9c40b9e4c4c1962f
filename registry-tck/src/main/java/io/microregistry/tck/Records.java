package io.microregistry.tck;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.Value;

import java.util.List;
import java.util.Map;

/**
 * Whole records for the contracts that compare records entire: service metadata, endpoints
 * with nested value trees and their own metadata, per-node metadata, all varying with a
 * generation, so a backend that keeps or writes back any stale or partial field is seen.
 */
final class Records {
    private Records() {
    }

    /** The record of node {@code id} of service {@code name} at generation {@code gen}. */
    static Node node(String id, int gen) {
        return new Node(id, "127.0.0.1:" + (10000 + gen), Map.of("gen", Integer.toString(gen), "node", id,
                "zone", gen % 2 == 0 ? "eu" : "us"));
    }

    /** A whole service at generation {@code gen}, holding {@code nodes}. */
    static Service service(String name, String version, int gen, Node... nodes) {
        Value tree = new Value("req" + gen, "Request", List.of(
                Value.of("id", "string"),
                new Value("inner", "Inner" + gen, List.of(Value.of("leaf" + gen, "int64")))));
        List<Endpoint> endpoints = gen % 2 == 0
                ? List.of(new Endpoint("Svc.Call", tree, Value.of("rsp", "Response"), Map.of("gen", Integer.toString(gen))))
                : List.of(new Endpoint("Svc.Call", tree, null, Map.of("gen", Integer.toString(gen), "stream", "false")),
                        Endpoint.of("Svc.Other" + gen));
        return new Service(name, version, Map.of("gen", Integer.toString(gen), "team", "t" + gen), endpoints,
                List.of(nodes));
    }

    /** The service of node {@code id} alone at generation {@code gen}: what one event carries. */
    static Service single(String name, String id, int gen) {
        return service(name, "1", gen, node(id, gen));
    }

    /** The generation a record says it is, from its node metadata. */
    static int gen(Service service) {
        return Integer.parseInt(service.nodes().get(0).metadata().get("gen"));
    }
}
