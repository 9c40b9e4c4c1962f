package io.microregistry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code micro-registry config} against one real backend, every command a separate {@code java -jar}: what one
 * process puts, others get, list and see in a running watch; compare-and-set conflicts and missing keys are
 * exit 1, bad keys exit 2, an unreachable backend exit 3 with one line.
 *
 * @param <S> the fixture's server type
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
abstract class ConfigCliTests<S extends AutoCloseable> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String provider;
    private S server;
    private Cli cli;

    ConfigCliTests(String provider) {
        this.provider = provider;
    }

    abstract S startServer();

    abstract String address(S server);

    @BeforeAll
    void startBackend() {
        server = startServer();
        cli = Cli.withBackend(provider, address(server));
    }

    @AfterAll
    void stopBackend() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void putGetListWatchDeleteAcrossProcesses() throws Exception {
        String app = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        try (RunningCli watch = cli.launch("config", "watch", app, "-o", "json")) {
            watch.awaitStderr(l -> l.contains("watching config"), RunningCli.START_BOUND);

            CliResult put = cli.run("config", "put", app + "/greeting", "Hallo, Welt");
            assertThat(put.exitCode()).as(put.toString()).isZero();
            String line = watch.awaitStdout(l -> l.contains(app + "/greeting"), RunningCli.START_BOUND);
            JsonNode change = JSON.readTree(line);
            assertThat(change.get("action").asText()).isEqualTo("put");
            assertThat(change.get("value").asText()).isEqualTo("Hallo, Welt");

            CliResult get = cli.run("config", "get", app + "/greeting");
            assertThat(get.exitCode()).as(get.toString()).isZero();
            assertThat(get.stdout().strip()).isEqualTo("Hallo, Welt");
            JsonNode entry = JSON.readTree(cli.run("config", "get", app + "/greeting", "-o", "json").stdout());
            long version = entry.get("version").asLong();

            CliResult conflict = cli.run("config", "put", app + "/greeting", "x", "--if-absent");
            assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(1);
            CliResult stale = cli.run("config", "put", app + "/greeting", "x", "--if-version", Long.toString(version + 1000));
            assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(1);
            CliResult cas = cli.run("config", "put", app + "/greeting", "Hello", "--if-version", Long.toString(version));
            assertThat(cas.exitCode()).as(cas.toString()).isZero();
            cli.run("config", "put", app + "2/greeting", "sibling");

            JsonNode listed = JSON.readTree(cli.run("config", "list", app, "-o", "json").stdout());
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("value").asText()).isEqualTo("Hello");
            CliResult human = cli.run("config", "list", app);
            assertThat(human.stdout()).contains(app + "/greeting").contains("Hello").doesNotContain("sibling");

            CliResult delete = cli.run("config", "delete", app + "/greeting");
            assertThat(delete.exitCode()).as(delete.toString()).isZero();
            watch.awaitStdout(l -> l.contains("\"delete\""), RunningCli.START_BOUND);
            CliResult missing = cli.run("config", "get", app + "/greeting");
            assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
            assertThat(cli.run("config", "delete", app + "/greeting").exitCode()).isEqualTo(1);

            CliResult bad = cli.run("config", "put", app + "/../escape", "x");
            assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
            assertThat(bad.stderrLines()).singleElement().asString().contains("'..'");
        }
    }

    @Test
    void unreachableBackendIsExitThreeWithOneLine() {
        String nowhere = "127.0.0.1:" + unusedPort();
        CliResult result = Cli.withDefaults().run("config", "get", "app/x", "--registry", provider,
                "--address", nowhere, "--timeout", "2s");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
        assertThat(result.stderrLines()).as(result.toString()).singleElement().asString()
                .startsWith("micro-registry: ").contains(provider).contains(nowhere);
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
