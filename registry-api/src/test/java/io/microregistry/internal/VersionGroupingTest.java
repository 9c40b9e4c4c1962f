package io.microregistry.internal;

import io.microregistry.Node;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VersionGroupingTest {

    @Test
    void groupsByNameAndVersionSortedWithNodesById() {
        Service b2 = new Service("b", "2", Map.of(), List.of(), List.of(Node.of("z", "h:1")));
        Service a1x = new Service("a", "1", Map.of("from", "x"), List.of(), List.of(Node.of("x", "h:2")));
        Service a1w = new Service("a", "1", Map.of("from", "w"), List.of(), List.of(Node.of("w", "h:3")));

        List<Service> grouped = VersionGrouping.group(List.of(b2, a1x, a1w));

        assertThat(grouped).containsExactly(
                new Service("a", "1", Map.of("from", "w"), List.of(), List.of(Node.of("w", "h:3"), Node.of("x", "h:2"))),
                b2);
    }

    @Test
    void aNodeListedTwiceIsKeptOnce() {
        Service first = new Service("a", "1", Map.of(), List.of(), List.of(Node.of("n", "h:1")));
        Service second = new Service("a", "1", Map.of(), List.of(), List.of(Node.of("n", "h:2")));
        assertThat(VersionGrouping.group(List.of(first, second))).singleElement()
                .satisfies(s -> assertThat(s.nodes()).containsExactly(Node.of("n", "h:2")));
    }
}
