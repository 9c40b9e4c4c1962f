package io.microregistry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command on the embedded default, as a newcomer runs it: no server, no variables. The memory registry
 * lives inside one process, so what can be shown across processes is only that each process sees its own;
 * the demo and the exit statuses are what matter here.
 */
class MemoryCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Cli cli = Cli.withDefaults();

    @Test
    void demoDiscoversCallsRoutesAroundAStoppedNodeAndExitsZero() {
        CliResult demo = cli.run("demo");

        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        String out = demo.stdout();
        assertThat(out).as(demo.toString()).contains("on memory (inside this process)");
        List<String> ids = nodeIds(out);
        assertThat(ids).as(demo.toString()).hasSize(3);
        String step2 = section(out, "2. ", "3. ");
        String step3 = section(out, "3. ", "4. ");
        String step4 = section(out, "4. ", "5. ");
        // round robin: each of the three answers in turn
        for (String id : ids) {
            assertThat(step2).as(demo.toString()).contains("answered by " + id);
        }
        // the crashed node is tried, fails, and the call is answered elsewhere
        String crashed = ids.get(1);
        assertThat(step3).as(demo.toString()).contains(crashed + ": connection refused, retried -> answered by ");
        assertThat(step3).as(demo.toString()).doesNotContain("answered by " + crashed);
        // once deregistered, the client no longer even tries it
        assertThat(step4).as(demo.toString()).contains("the client sees 2 nodes").doesNotContain(crashed + ":");
        assertThat(out).as(demo.toString())
                .contains("3 nodes deregistered; 0 left in the registry")
                .containsPattern("demo finished: \\d+ calls, every one answered");
        assertThat(demo.stderr()).as(demo.toString()).isEmpty();
    }

    @Test
    void servicesOnAFreshMemoryRegistryIsEmptyAndExitsZero() throws Exception {
        CliResult human = cli.run("services");
        assertThat(human.exitCode()).as(human.toString()).isZero();
        assertThat(human.stdout()).as(human.toString()).contains("No services registered on memory");

        CliResult json = cli.run("services", "--output", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode parsed = JSON.readTree(json.stdout());
        assertThat(parsed.isArray()).as(json.toString()).isTrue();
        assertThat(parsed).as(json.toString()).isEmpty();
    }

    @Test
    void unknownServiceOrNodeIsExitOne() {
        CliResult get = cli.run("get", "no-such-service");
        assertThat(get.exitCode()).as(get.toString()).isEqualTo(1);
        assertThat(get.stderrLines()).as(get.toString())
                .containsExactly("micro-registry: service 'no-such-service' not found on memory (inside this process)");
        assertThat(get.stdout()).isEmpty();

        CliResult select = cli.run("select", "no-such-service", "--count", "3");
        assertThat(select.exitCode()).as(select.toString()).isEqualTo(1);
        assertThat(select.stderrLines()).as(select.toString()).singleElement().asString().contains("no-such-service");

        CliResult deregister = cli.run("deregister", "no-such-service", "node-1");
        assertThat(deregister.exitCode()).as(deregister.toString()).isEqualTo(1);
        assertThat(deregister.stderrLines()).as(deregister.toString()).singleElement().asString()
                .contains("node-1").contains("no-such-service");
    }

    @Test
    void usageErrorsAreExitTwoWithAShortMessage() {
        assertUsage(cli.run(), "Usage: micro-registry");
        assertUsage(cli.run("lookup"), "Unmatched argument");
        assertUsage(cli.run("register", "greeter"), "Missing required parameter");
        assertUsage(cli.run("register", "greeter", "127.0.0.1:1", "--ttl", "soon"), "'soon' is not a duration");
        assertUsage(cli.run("register", "greeter", "127.0.0.1:1", "--ttl", "0s"), "ttl must be between");
        assertUsage(cli.run("register", "", "127.0.0.1:1"), "service name");
        assertUsage(cli.run("services", "--output", "yaml"), "--output");
        assertUsage(cli.run("services", "--registry", "nosuch"), "no registry provider named 'nosuch'");
        assertUsage(cli.run("select", "greeter", "--count", "0"), "--count must be at least 1");
        assertUsage(cli.run("select", "greeter", "--strategy", "fastest"), "strategy must be one of");
    }

    @Test
    void helpAndVersionExitZeroAndVersionListsTheBundledBackends() {
        CliResult help = cli.run("--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("services", "get", "watch", "register", "deregister", "select", "demo",
                "Exit status: 0 ok, 1 not found, 2 usage error, 3 backend unreachable");

        CliResult version = cli.run("--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout()).as(version.toString()).contains("backends: " + String.join(", ", BundledBackends.NAMES));
    }

    @Test
    void registerKeepsTheNodeUntilTerminatedThenDeregisters() {
        try (RunningCli register = cli.launch("register", "greeter", "127.0.0.1:8080", "--id", "greeter-a",
                "--version", "1.2", "--meta", "zone=eu", "--ttl", "5s")) {
            register.awaitStdout(l -> l.startsWith("registered greeter 1.2 node greeter-a at 127.0.0.1:8080"),
                    RunningCli.START_BOUND);
            register.awaitStderr(l -> l.contains("keeping greeter-a alive (TTL 5s)"), Duration.ofSeconds(10));

            CliResult ended = register.terminate();

            assertThat(ended.stdout()).as(ended.toString()).contains("deregistered greeter node greeter-a");
            assertThat(ended.exitCode()).as(ended.toString()).isEqualTo(143); // 128 + SIGTERM, as after Ctrl-C (130)
        }
    }

    @Test
    void watchRunsUntilTerminated() {
        try (RunningCli watch = cli.launch("watch", "greeter")) {
            watch.awaitStderr(l -> l.contains("watching greeter on memory"), RunningCli.START_BOUND);
            CliResult ended = watch.terminate();
            assertThat(ended.exitCode()).as(ended.toString()).isEqualTo(143);
            assertThat(ended.stdout()).as(ended.toString()).isEmpty();
        }
    }

    private static void assertUsage(CliResult result, String expected) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).as(result.toString()).contains(expected).doesNotContain("\tat ");
        assertThat(result.stdout()).as(result.toString()).isEmpty();
    }

    private static List<String> nodeIds(String demoOutput) {
        Matcher m = Pattern.compile("^\\s+(greeter-\\d-[0-9a-f]{4})\\s+127\\.0\\.0\\.1:\\d+", Pattern.MULTILINE)
                .matcher(demoOutput);
        return m.results().map(r -> r.group(1)).toList();
    }

    private static String section(String text, String from, String to) {
        int start = text.indexOf("\n" + from);
        int end = text.indexOf("\n" + to, start + 1);
        assertThat(start).as("section " + from + " in:\n" + text).isNotNegative();
        assertThat(end).as("section " + to + " in:\n" + text).isGreaterThan(start);
        return text.substring(start, end);
    }
}
