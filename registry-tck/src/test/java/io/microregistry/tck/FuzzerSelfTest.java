package io.microregistry.tck;

import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.Value;
import io.microregistry.memory.MemoryStore;
import io.microregistry.tck.fuzz.FuzzReport;
import io.microregistry.tck.fuzz.Fuzzer;
import io.microregistry.tck.fuzz.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The fuzzer must catch the flaws it exists for: shared keys, partial writes, raw and escaping exceptions. */
@Timeout(120)
class FuzzerSelfTest {

    private static FuzzReport fuzz(UnaryOperator<Registry> breaker) {
        MemoryStore store = new MemoryStore();
        try {
            return new Fuzzer(() -> breaker.apply(store.client()), Duration.ofMillis(200), Duration.ofSeconds(10))
                    .run("broken", 15, 300);
        } finally {
            store.close();
        }
    }

    @Test
    void theHealthyMemoryBackendIsClean() {
        assertThat(fuzz(r -> r).failures()).isZero();
    }

    @Test
    void namesThatShareAKeyAreCaughtAsCorruption() {
        // Case-insensitive keys, as Consul's catalog treats node ids.
        FuzzReport report = fuzz(r -> new ForwardingRegistry(r) {
            @Override
            public void register(Service service, RegisterOptions options) {
                super.register(renamed(service, service.name().toLowerCase(Locale.ROOT)), options);
            }

            @Override
            public void deregister(Service service) {
                super.deregister(renamed(service, service.name().toLowerCase(Locale.ROOT)));
            }

            @Override
            public List<Service> getService(String name) {
                return super.getService(name.toLowerCase(Locale.ROOT)).stream().map(s -> renamed(s, name)).toList();
            }
        });
        assertThat(report.count(Outcome.CORRUPTION)).as(report.toString()).isPositive();
    }

    @Test
    void partialWritesAreCaughtAsCorruption() {
        FuzzReport report = fuzz(r -> new ForwardingRegistry(r) {
            @Override
            public void register(Service service, RegisterOptions options) {
                for (Node node : service.nodes()) {
                    if (node != service.nodes().get(0)) {
                        throw new RegistryUnavailableException("second node refused", null);
                    }
                    super.register(service.withNode(node), options);
                }
            }
        });
        assertThat(report.count(Outcome.CORRUPTION)).as(report.toString()).isPositive();
        assertThat(report.count(Outcome.REFUSED_BY_BACKEND)).isPositive();
    }

    @Test
    void rawAndEscapingExceptionsAreCounted() {
        FuzzReport report = fuzz(r -> new ForwardingRegistry(r) {
            @Override
            public void register(Service service, RegisterOptions options) {
                for (Endpoint e : service.endpoints()) {
                    if (depth(e.request()) > 4) {
                        throw new RuntimeJsonMappingException("too deep");
                    }
                }
                if (service.nodes().size() > 1) {
                    throw new IllegalStateException("cannot encode service");
                }
                super.register(service, options);
            }
        });
        assertThat(report.count(Outcome.RAW_BACKEND_EXCEPTION)).as(report.toString()).isPositive();
        assertThat(report.count(Outcome.ESCAPE)).as(report.toString()).isPositive();
    }

    private static int depth(Value v) {
        return v == null ? 0 : 1 + v.values().stream().mapToInt(FuzzerSelfTest::depth).max().orElse(0);
    }

    private static Service renamed(Service s, String name) {
        return new Service(name, s.version(), s.metadata(), s.endpoints(), s.nodes());
    }
}
