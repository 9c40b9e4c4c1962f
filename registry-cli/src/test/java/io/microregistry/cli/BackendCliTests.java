package io.microregistry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command against one real backend, every process a separate {@code java -jar}: what one process
 * registers, others list, get, select, watch and deregister; the demo runs unchanged; an unreachable backend
 * is exit 3 with one line. Subclasses start the server with the backend module's own test fixture (from its
 * test-jar), so the server is launched exactly as that module's tests launch it.
 *
 * @param <S> the fixture's server type
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendCliTests<S extends AutoCloseable> {
    /** How long a change made by one process may take to show in another's lookup. */
    private static final Duration PROPAGATION = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String provider;
    private S server;
    private String address;
    private Cli cli;

    /** @param provider the provider name the command is given, e.g. {@code etcd} */
    BackendCliTests(String provider) {
        this.provider = provider;
    }

    /** Starts the server and returns once it serves; called once per class. */
    abstract S startServer();

    /** {@code host:port} of {@code server}, as the provider takes it. */
    abstract String address(S server);

    @BeforeAll
    void startBackend() {
        server = startServer();
        address = address(server);
        cli = Cli.withBackend(provider, address);
    }

    @AfterAll
    void stopBackend() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void whatOneProcessRegistersOthersListGetAndSelectUntilItIsTerminated() throws Exception {
        String service = unique("cli-greeter");
        try (RunningCli register = cli.launch("register", service, "127.0.0.1:9001", "--id", "node-1",
                "--version", "2.0", "--meta", "zone=eu", "--meta", "weight=3", "--ttl", "10s")) {
            register.awaitStdout(l -> l.startsWith("registered " + service + " 2.0 node node-1"), RunningCli.START_BOUND);

            awaitExit(0, "get", service);
            CliResult services = cli.run("services");
            assertThat(services.exitCode()).as(services.toString()).isZero();
            assertThat(services.stdout().lines()).as(services.toString())
                    .anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly(service, "2.0", "1"));

            CliResult json = cli.run("get", service, "-o", "json");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode versions = JSON.readTree(json.stdout());
            assertThat(versions).as(json.toString()).hasSize(1);
            JsonNode v = versions.get(0);
            assertThat(v.get("name").asText()).isEqualTo(service);
            assertThat(v.get("version").asText()).isEqualTo("2.0");
            assertThat(v.get("nodes")).hasSize(1);
            JsonNode node = v.get("nodes").get(0);
            assertThat(node.get("id").asText()).isEqualTo("node-1");
            assertThat(node.get("address").asText()).isEqualTo("127.0.0.1:9001");
            assertThat(node.get("metadata").get("zone").asText()).isEqualTo("eu");

            CliResult human = cli.run("get", service);
            assertThat(human.exitCode()).as(human.toString()).isZero();
            assertThat(human.stdout()).as(human.toString()).contains("service  " + service, "version  2.0")
                    .containsPattern("node-1\\s+127\\.0\\.0\\.1:9001\\s+.*zone=eu");

            CliResult select = cli.run("select", service, "--count", "3", "--strategy", "random", "-o", "json");
            assertThat(select.exitCode()).as(select.toString()).isZero();
            JsonNode picks = JSON.readTree(select.stdout());
            assertThat(picks.get("picks")).hasSize(3).allSatisfy(p -> assertThat(p.get("node").asText()).isEqualTo("node-1"));
            assertThat(picks.get("counts").get("node-1").asInt()).isEqualTo(3);

            CliResult ended = register.terminate();
            assertThat(ended.stdout()).as(ended.toString()).contains("deregistered " + service + " node node-1");
        }
        // deregistered on the way out, not left to expire: gone well before its 10 s TTL would matter
        awaitExit(1, "get", service);
    }

    @Test
    void selectSpreadsRoundRobinOverNodesOfTwoProcesses() throws Exception {
        String service = unique("cli-select");
        try (RunningCli a = cli.launch("register", service, "127.0.0.1:9101", "--id", "a", "--ttl", "10s");
             RunningCli b = cli.launch("register", service, "127.0.0.1:9102", "--id", "b", "--ttl", "10s")) {
            a.awaitStdout(l -> l.startsWith("registered"), RunningCli.START_BOUND);
            b.awaitStdout(l -> l.startsWith("registered"), RunningCli.START_BOUND);
            Awaitility.await("both nodes visible").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                CliResult select = cli.run("select", service, "--count", "4", "-o", "json");
                assertThat(select.exitCode()).as(select.toString()).isZero();
                JsonNode counts = JSON.readTree(select.stdout()).get("counts");
                assertThat(counts.size()).as(select.toString()).isEqualTo(2);
                assertThat(counts.get("a").asInt()).as(select.toString()).isEqualTo(2);
                assertThat(counts.get("b").asInt()).as(select.toString()).isEqualTo(2);
            });
            CliResult human = cli.run("select", service, "--count", "2");
            assertThat(human.exitCode()).as(human.toString()).isZero();
            assertThat(human.stdout()).as(human.toString()).contains("2 selections of " + service + " with round-robin");
        }
    }

    @Test
    void watchPrintsWhatAnotherProcessRegistersAndRemoves() throws Exception {
        String service = unique("cli-watch");
        try (RunningCli watch = cli.launch("watch", service, "--output", "json")) {
            watch.awaitStderr(l -> l.startsWith("watching " + service + " on " + provider), RunningCli.START_BOUND);
            try (RunningCli register = cli.launch("register", service, "127.0.0.1:9201", "--id", "w1", "--ttl", "10s")) {
                register.awaitStdout(l -> l.startsWith("registered"), RunningCli.START_BOUND);
                String created = watch.awaitStdout(l -> l.contains("\"create\""), PROPAGATION);
                JsonNode event = JSON.readTree(created);
                assertThat(event.get("service").get("name").asText()).isEqualTo(service);
                assertThat(event.get("service").get("nodes").get(0).get("id").asText()).isEqualTo("w1");
                register.terminate();
            }
            String deleted = watch.awaitStdout(l -> l.contains("\"delete\""), PROPAGATION);
            assertThat(JSON.readTree(deleted).get("service").get("nodes").get(0).get("id").asText()).isEqualTo("w1");
            CliResult ended = watch.terminate();
            assertThat(ended.exitCode()).as(ended.toString()).isEqualTo(143);
        }
    }

    @Test
    void deregisterRemovesTheNodeOfAProcessThatDiedWithoutCleaningUp() {
        String service = unique("cli-dead");
        try (RunningCli register = cli.launch("register", service, "127.0.0.1:9301", "--id", "dead-1", "--ttl", "60s")) {
            register.awaitStdout(l -> l.startsWith("registered"), RunningCli.START_BOUND);
            register.kill(); // SIGKILL: no shutdown hook, the node stays until its 60 s TTL
        }
        awaitExit(0, "get", service);

        CliResult removed = cli.run("deregister", service, "dead-1");
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(removed.stdout()).as(removed.toString()).contains("deregistered " + service + " node dead-1");

        awaitExit(1, "get", service);
        CliResult again = cli.run("deregister", service, "dead-1");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    }

    @Test
    void demoRunsUnchangedOnThisBackend() {
        CliResult demo = cli.run("demo");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).as(demo.toString())
                .contains("on " + provider + " at " + address)
                .contains("connection refused, retried -> answered by")
                .contains("3 nodes deregistered; 0 left in the registry")
                .containsPattern("demo finished: \\d+ calls, every one answered");
    }

    @Test
    void unreachableBackendIsExitThreeWithOneLineNamingBackendAndAddress() {
        String nowhere = "127.0.0.1:" + unusedPort(); // nothing listens there
        for (String[] args : new String[][] {
                {"services"},
                {"get", "greeter"},
                {"register", "greeter", "127.0.0.1:9401"}}) {
            String[] full = new String[args.length + 6];
            System.arraycopy(args, 0, full, 0, args.length);
            System.arraycopy(new String[] {"--registry", provider, "--address", nowhere, "--timeout", "2s"},
                    0, full, args.length, 6);
            CliResult result = Cli.withDefaults().run(full);
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
            assertThat(result.stderrLines()).as(result.toString()).singleElement().asString()
                    .startsWith("micro-registry: ")
                    .contains(provider)
                    .contains(nowhere);
            assertThat(result.stdout()).as(result.toString()).isEmpty();
        }
    }

    /** Runs {@code args} until it exits with {@code code}, within the propagation bound. */
    private void awaitExit(int code, String... args) {
        Awaitility.await("micro-registry " + String.join(" ", args) + " exits " + code)
                .atMost(PROPAGATION)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    CliResult result = cli.run(args);
                    assertThat(result.exitCode()).as(result.toString()).isEqualTo(code);
                });
    }

    /** A loopback port that was free a moment ago: bound, then released. */
    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
