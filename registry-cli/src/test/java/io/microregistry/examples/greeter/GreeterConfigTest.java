package io.microregistry.examples.greeter;

import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigView;
import io.microregistry.config.Configs;
import io.microregistry.config.ViewOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The greeter's greeting comes from a live config view and changes without a restart. */
@Timeout(60)
class GreeterConfigTest {

    @Test
    void theGreetingFollowsConfigLive() throws Exception {
        try (Registry registry = Registries.open("memory", RegistryConfig.defaults());
             Config config = Configs.open("memory", RegistryConfig.defaults());
             ConfigView settings = config.view(ViewOptions.application("config", "greeter", "dev"));
             GreeterNode node = GreeterNode.start(registry, "greeter", "1.0.0", "g1", Map.of(),
                     RegisterOptions.ttl(Duration.ofSeconds(15)), () -> settings.getString("greeting", "Hello"))) {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://" + node.node().address() + "/hello?name=Ada");
            assertThat(get(http, uri)).isEqualTo("Hello, Ada! (from g1)");

            config.put("config/application/greeting", "Bonjour");
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(get(http, uri)).isEqualTo("Bonjour, Ada! (from g1)"));
            config.put("config/greeter,dev/greeting", "Servus");
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(get(http, uri)).isEqualTo("Servus, Ada! (from g1)"));
        }
    }

    private static String get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
