package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15, trust on Consul: ACLs on (default deny), one token per service. A client whose token
 * may write only its own service cannot add, change or remove another's registration; and a
 * register that fails part-way (here: refused a lookup on another's ID) leaves nothing behind,
 * while a deregister of several nodes removes all it may.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ConsulTokenTrustTest {
    private final String master = UUID.randomUUID().toString();
    private final ConsulAgent agent = ConsulAgent.start(master);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String alphaToken = token("alpha");
    private final String betaToken = token("beta");

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    /** A token that may write service {@code name} and read nodes, nothing else. */
    private String token(String name) {
        String rules = "service \\\"" + name + "\\\" { policy = \\\"write\\\" } node_prefix \\\"\\\" { policy = \\\"read\\\" }";
        put("/v1/acl/policy", "{\"Name\":\"" + name + "\",\"Rules\":\"" + rules + "\"}");
        String answer = put("/v1/acl/token", "{\"Policies\":[{\"Name\":\"" + name + "\"}]}");
        Matcher secret = Pattern.compile("\"SecretID\":\\s*\"([^\"]+)\"").matcher(answer);
        assertThat(secret.find()).as("token answer %s", answer).isTrue();
        return secret.group(1);
    }

    /** PUT as master; right after start the agent answers "legacy mode" until its ACL system is up: wait for that. */
    private String put(String path, String body) {
        java.util.concurrent.atomic.AtomicReference<String> answer = new java.util.concurrent.atomic.AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> response = send(path, body);
            if (response.statusCode() != 200 && response.body().contains("legacy mode")) {
                return false;
            }
            assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
            answer.set(response.body());
            return true;
        });
        return answer.get();
    }

    private HttpResponse<String> send(String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + agent.httpAddress()
                    + path)).header("X-Consul-Token", master).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Registry client(String token) {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()).withToken(token));
    }

    private static Service service(String name, String... nodeIds) {
        Service.Builder builder = Service.builder(name).version("1");
        int port = 1;
        for (String id : nodeIds) {
            builder.node(new Node(id, "127.0.0.1:" + port++, Map.of()));
        }
        return builder.build();
    }

    private static List<String> nodeIds(Registry reader, String name) {
        return reader.getService(name).stream().flatMap(s -> s.nodes().stream()).map(Node::id).sorted().toList();
    }

    @Test
    void aTokenForOneServiceCannotAddChangeOrRemoveAnothersNodes() {
        try (Registry alpha = client(alphaToken); Registry beta = client(betaToken); Registry admin = client(master)) {
            alpha.register(service("alpha", "alpha-1"));

            assertThatThrownBy(() -> beta.register(service("alpha", "forged-1")))
                    .isInstanceOf(RegistryAuthenticationException.class);
            assertThatThrownBy(() -> beta.register(service("alpha", "alpha-1")))
                    .isInstanceOf(RegistryAuthenticationException.class);
            assertThatThrownBy(() -> beta.deregister(service("alpha", "alpha-1")))
                    .isInstanceOf(RegistryAuthenticationException.class);

            assertThat(nodeIds(admin, "alpha")).containsExactly("alpha-1");
            assertThat(admin.getService("alpha").get(0).nodes().get(0).address()).isEqualTo("127.0.0.1:1");
            alpha.deregister(service("alpha", "alpha-1"));
        }
    }

    @Test
    void aRegisterThatFailsPartWayLeavesNothingAndADeregisterRemovesAllItMay() {
        try (Registry alpha = client(alphaToken); Registry beta = client(betaToken); Registry admin = client(master)) {
            alpha.register(service("alpha", "held-2"));

            // beta-1 is written first; held-2's plain ID is alpha's, which beta's token may not even read.
            assertThatThrownBy(() -> beta.register(service("beta", "beta-1", "held-2")))
                    .isInstanceOf(RegistryAuthenticationException.class);
            assertThat(nodeIds(admin, "beta")).as("nothing of the failed call is left").isEmpty();
            assertThat(nodeIds(admin, "alpha")).containsExactly("held-2");

            beta.register(service("beta", "beta-1"));
            assertThatThrownBy(() -> beta.deregister(service("beta", "held-2", "beta-1")))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("1 of 2").hasMessageContaining("held-2");
            assertThat(nodeIds(admin, "beta")).as("the node it could remove is gone").isEmpty();
            assertThat(nodeIds(admin, "alpha")).containsExactly("held-2");
            alpha.deregister(service("alpha", "held-2"));
        }
    }
}
