package io.microregistry.grpc;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver;

import java.util.Map;

/**
 * grpc load-balancing policy {@value #POLICY}: round-robin over the ready nodes, each picked
 * in proportion to its node metadata {@value #WEIGHT} (a positive integer; missing or invalid
 * counts as 1), interleaved smoothly (nginx's smooth weighted round-robin, so weights 5:1:1
 * give {@code a a b a c a a}, not five {@code a}s in a row).
 *
 * <p>Why our own policy: grpc's {@code weighted_round_robin} takes weights from the servers'
 * ORCA load reports, not from the registry, and its static-weight policies live in grpc-xds.
 * The {@code micro} resolver selects this policy through the service config as soon as any
 * node carries a weight, and plain {@code round_robin} otherwise. Found by grpc through
 * {@code ServiceLoader}; thread-safe and stateless.
 */
public final class WeightedRoundRobinProvider extends LoadBalancerProvider {

    /** The policy name to use in a service config. */
    public static final String POLICY = "micro_weighted_round_robin";

    /** The node metadata key holding the weight. */
    public static final String WEIGHT = "weight";

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int getPriority() {
        return 5;
    }

    @Override
    public String getPolicyName() {
        return POLICY;
    }

    @Override
    public NameResolver.ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
        return NameResolver.ConfigOrError.fromConfig(POLICY);
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
        return new WeightedRoundRobin(helper);
    }
}
