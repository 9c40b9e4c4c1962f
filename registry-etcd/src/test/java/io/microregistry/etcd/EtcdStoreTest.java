package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the etcd store decides without asking etcd: TTL classes and how a registration is split
 * into transactions etcd takes. (Opening a store does not contact etcd.)
 */
@Timeout(30)
class EtcdStoreTest {

    private final EtcdStore store = EtcdStore.open(RegistryConfig.of("127.0.0.1:1"));

    @AfterEach
    void close() {
        store.close();
    }

    private static List<Service> records(int count, int padBytes) {
        Service service = Service.builder("batched").version("1").build();
        return IntStream.range(0, count)
                .mapToObj(i -> service.withNode(new Node("n" + i, "10.0.0.1:" + (1000 + i),
                        padBytes == 0 ? Map.of() : Map.of("pad", "p".repeat(padBytes)))))
                .toList();
    }

    @Test
    void ttlClassIsWholeSecondsRoundedUp() {
        assertThat(store.ttlClass(Duration.ofMillis(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(store.ttlClass(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(store.ttlClass(Duration.ofMillis(2001))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void batchesStayWithinEtcdsTransactionOperationLimitInOrder() {
        List<Service> records = records(2 * EtcdStore.TXN_MAX_OPS + 1, 0);
        List<List<Service>> batches = store.batches(records);
        assertThat(batches).extracting(List::size)
                .containsExactly(EtcdStore.TXN_MAX_OPS, EtcdStore.TXN_MAX_OPS, 1);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(records);
        assertThat(store.batches(records(3, 0))).hasSize(1);
    }

    @Test
    void batchesStayWithinAboutOneMebibyteAndALargerRecordGoesAlone() {
        List<List<Service>> batches = store.batches(records(5, 400_000));
        assertThat(batches).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(store.batches(records(2, 1_500_000))).extracting(List::size).containsExactly(1, 1);
    }
}
