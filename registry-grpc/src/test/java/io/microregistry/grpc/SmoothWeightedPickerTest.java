package io.microregistry.grpc;

import io.grpc.Attributes;
import io.grpc.LoadBalancer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class SmoothWeightedPickerTest {

    private static final class Named extends LoadBalancer.Subchannel {
        @Override
        public void shutdown() {
        }

        @Override
        public void requestConnection() {
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }
    }

    @Test
    void everyRunOfTotalWeightPicksEachInProportionInterleaved() {
        List<LoadBalancer.Subchannel> three = List.of(new Named(), new Named(), new Named());
        SmoothWeightedPicker picker = new SmoothWeightedPicker(three, List.of(5, 1, 1));
        List<Integer> first = IntStream.range(0, 7).map(i -> picker.next()).boxed().toList();
        assertThat(first).containsExactly(0, 0, 1, 0, 2, 0, 0);
        int[] counts = new int[3];
        IntStream.range(0, 700).forEach(i -> counts[picker.next()]++);
        assertThat(counts).containsExactly(500, 100, 100);
    }
}
