package io.microregistry.grpc;

import java.util.List;
import java.util.Map;

/** The service config the resolver hands grpc: which load-balancing policy to use. */
final class LoadBalancing {

    private LoadBalancing() {
    }

    /**
     * {@code {"loadBalancingConfig":[{policy:{}},{"round_robin":{}}]}}: grpc takes the first
     * policy it has, so a class path without ours still balances round-robin.
     */
    static Map<String, ?> serviceConfig(String policy) {
        List<Map<String, ?>> policies = policy.equals("round_robin")
                ? List.of(Map.of(policy, Map.of()))
                : List.of(Map.of(policy, Map.of()), Map.of("round_robin", Map.of()));
        return Map.of("loadBalancingConfig", policies);
    }
}
