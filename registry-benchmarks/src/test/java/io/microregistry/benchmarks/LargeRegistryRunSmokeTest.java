package io.microregistry.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Large registry" measurement at small N on the memory backend, in every build: every node
 * registered is listed and cached, the burst reaches the cache, and the section renders.
 */
@Timeout(120)
class LargeRegistryRunSmokeTest {

    @Test
    void everyNodeIsListedAndCachedAndTheBurstArrives() throws Exception {
        LargeRegistryRun.Result result;
        try (MemoryBackend backend = new MemoryBackend()) {
            result = LargeRegistryRun.measure(backend, 500);
        }
        assertThat(result.failure()).isNull();
        assertThat(result.nodes()).isEqualTo(500);
        assertThat(result.listedNodes()).isEqualTo(500);
        assertThat(result.cachedNodes()).isEqualTo(500);
        assertThat(result.burstMillis()).isGreaterThanOrEqualTo(0);
        assertThat(result.heapBytesPerNode()).as("a 1 KB record held in the cache").isGreaterThan(0);
        String section = LargeRegistryRun.render(List.of(result), "test");
        assertThat(section).startsWith("## Large registry").contains("| memory | 500 |");
        assertThat(BenchmarkReport.spliceSection("# x\n\n## Large registry\nOLD-SECTION\n\n## Next\nkept\n",
                "## Large registry\n", section)).contains("## Next\nkept").doesNotContain("OLD-SECTION");
    }
}
