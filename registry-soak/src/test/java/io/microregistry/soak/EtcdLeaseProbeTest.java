package io.microregistry.soak;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's evidence for a stale etcd node, against a real etcd: the key's lease and its TTLs. */
@Timeout(60)
class EtcdLeaseProbeTest {

    @Test
    void namesTheLeaseAndItsTtlsOfAKeptNodeAndSaysWhenThereIsNoKey() {
        try (ServerProcess server = ServerProcess.start(Backend.ETCD);
             Registry registry = Registries.open("etcd", RegistryConfig.of(server.address()))) {
            registry.register(new Service("svc", "1", null, null, List.of(Node.of("n0", "127.0.0.1:1"))),
                    RegisterOptions.ttl(Duration.ofSeconds(7)));

            String evidence = EtcdLeaseProbe.explain(server.address(), "svc", List.of("n0", "gone"));

            assertThat(evidence).matches("n0: lease [0-9a-f]+ granted TTL 7 s, remaining [1-7] s \\(key mod revision \\d+,"
                    + " create revision \\d+\\), gone: no key now");
        }
    }
}
