package io.microregistry.zookeeper;

import io.microregistry.Node;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ZooKeeper's own record limit, the layout's guard behind the shared rules: a record the
 * server would drop the connection for is an {@link IllegalArgumentException} naming the node.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordLimitsTest {

    @Test
    void aRecordOverZookeepersLimitIsRefusedNamingTheNode() {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 70; i++) {
            metadata.put("k" + i, "x".repeat(16_000));
        }
        Service large = Service.builder("big").version("1").node(new Node("n1", "127.0.0.1:1", metadata)).build();
        assertThatThrownBy(() -> RecordLimits.encode(large)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'n1'").hasMessageContaining(String.valueOf(RecordLimits.MAX_RECORD_BYTES));
    }

    @Test
    void recordsUnderTheLimitAreEncodedPerNodeInOrder() {
        Service two = Service.builder("small").version("1").node("b", "127.0.0.1:2").node("a", "127.0.0.1:1").build();
        assertThat(RecordLimits.encode(two)).hasSize(2).allSatisfy((id, data) -> assertThat(data.length)
                .isLessThan(RecordLimits.MAX_RECORD_BYTES));
    }
}
