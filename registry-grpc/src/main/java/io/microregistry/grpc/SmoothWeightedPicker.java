package io.microregistry.grpc;

import io.grpc.LoadBalancer;

import java.util.List;

/**
 * Picks among ready subchannels by smooth weighted round-robin: each pick adds every weight
 * to its running score, takes the highest score and subtracts the total from it. Over any
 * run of {@code sum(weights)} picks each subchannel is taken exactly {@code weight} times.
 *
 * <p>Thread-safe: picks come from many calling threads; the scores are guarded by this.
 */
final class SmoothWeightedPicker extends LoadBalancer.SubchannelPicker {
    private final List<LoadBalancer.Subchannel> subchannels;
    private final int[] weights;
    private final int total;
    private final long[] scores;

    SmoothWeightedPicker(List<LoadBalancer.Subchannel> subchannels, List<Integer> weights) {
        this.subchannels = List.copyOf(subchannels);
        this.weights = weights.stream().mapToInt(Integer::intValue).toArray();
        this.total = this.weights.length == 0 ? 0 : java.util.Arrays.stream(this.weights).sum();
        this.scores = new long[this.weights.length];
    }

    @Override
    public LoadBalancer.PickResult pickSubchannel(LoadBalancer.PickSubchannelArgs args) {
        return LoadBalancer.PickResult.withSubchannel(subchannels.get(next()));
    }

    synchronized int next() {
        int best = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] += weights[i];
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        scores[best] -= total;
        return best;
    }
}
