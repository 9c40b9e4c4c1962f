package io.microregistry.consul;

import io.microregistry.RegistryUnavailableException;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.ConsulException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class ConsulFailuresTest {
    private final ConsulFailures failures = new ConsulFailures("127.0.0.1:8500", false);

    @Test
    void onlyAgentTroubleBecomesUnavailable() {
        ConsulException refused = new ConsulException("Error connecting to Consul", new ConnectException("refused"));
        assertThat(failures.translate("list services", refused)).isInstanceOf(RegistryUnavailableException.class)
                .hasCause(refused).hasMessageContaining("127.0.0.1:8500").hasMessageContaining("list services");
        ConsulException timeout = new ConsulException(new SocketTimeoutException("timeout"));
        assertThat(failures.translate("list services", timeout)).isInstanceOf(RegistryUnavailableException.class);
    }

    @Test
    void ourOwnExceptionsPassThroughUnchanged() {
        for (RuntimeException own : new RuntimeException[] {new IllegalStateException("closed"),
                new IllegalArgumentException("node.id"), new RejectedExecutionException("shut down"),
                new NullPointerException("bug")}) {
            assertThat(failures.translate("register service 'x'", own)).as(own.toString()).isSameAs(own);
        }
    }
}
