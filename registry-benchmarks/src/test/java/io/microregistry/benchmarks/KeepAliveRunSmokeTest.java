package io.microregistry.benchmarks;

import io.microregistry.zookeeper.ZookeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Keep-alive" measurement at small N on an in-process ZooKeeper, in every build: the
 * server receives as many keep-alive packets from a client keeping 40 nodes alive as from one
 * keeping 5 (session pings: one session per TTL class, plus the client's main one). A
 * keep-alive per node (one session or one touch per node every TTL/3, as Consul's check per
 * node) would add at least 35 requests per third of a TTL at 40 nodes and fail it.
 */
@Timeout(120)
class KeepAliveRunSmokeTest {

    /** Short, so the test is: a 2 s session pings about every 0.7 s, about 9 times in its 6 s window. */
    private static final Duration TTL = Duration.ofSeconds(2);

    @Test
    void keepAliveRequestsOfZookeeperAreConstantInTheNodesKeptAlive() {
        List<KeepAliveRun.Row> rows;
        ZookeeperServer server = ZookeeperServer.start();
        try (ServerBackend backend = new ServerBackend("zookeeper", server.connectString(), server::close,
                () -> null, "none")) {
            rows = KeepAliveRun.measure(backend, List.of(5, 40), TTL);
        }
        assertThat(rows).hasSize(2).allSatisfy(r -> assertThat(r.failure()).isNull());
        KeepAliveRun.Row at5 = rows.get(0), at40 = rows.get(1);
        assertThat(at5.nodes()).isEqualTo(5);
        assertThat(at40.nodes()).isEqualTo(40);
        assertThat(at5.window()).isGreaterThanOrEqualTo(TTL.multipliedBy(KeepAliveRun.WINDOW_TTLS));
        assertThat(at5.requests()).as("pings at 5 nodes").isPositive();
        assertThat(at40.requests()).as("pings at 40 nodes").isPositive();
        // Timing jitter of the pings moves a count by a request or two, never by one per node.
        assertThat(at40.requests()).as("pings at 40 nodes vs at 5").isLessThanOrEqualTo(at5.requests() + 3);

        String section = KeepAliveRun.render(rows, List.of(5, 40), TTL, "test");
        assertThat(section).startsWith("## Keep-alive").contains("| zookeeper | ")
                .contains(String.format(Locale.ROOT, "%.2f (%d)", at5.perSecond(), at5.requests()));
        assertThat(section.replace('\n', ' '))
                .contains("Reading it: from 5 to 40 nodes kept alive by one client, the keep-alive traffic stays flat on"
                        + " zookeeper")
                .doesNotContain("grows");
        assertThat(BenchmarkReport.spliceSection("# x\n\n## Scale\ns\n\n## Large registry\nl\n", "## Keep-alive\n",
                section, "## Scale\n")).containsSubsequence("## Scale\ns\n\n", "## Keep-alive", "## Large registry\nl");
        assertThat(BenchmarkReport.spliceSection("# x\n\n## Keep-alive\nold\n\n## Large registry\nl\n",
                "## Keep-alive\n", section, "## Scale\n")).doesNotContain("old").contains("## Large registry\nl");
    }
}
