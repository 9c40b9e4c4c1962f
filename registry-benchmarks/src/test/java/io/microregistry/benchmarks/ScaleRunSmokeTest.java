package io.microregistry.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Scale" measurement at small N on the memory backend, in every build: the previous
 * per-service mechanism costs a thread per followed service; the cache costs the same threads
 * whether it follows 5 or 40 services.
 */
@Timeout(120)
class ScaleRunSmokeTest {

    @Test
    void threadsOfTheCacheAreConstantInTheServicesFollowedAndThoseOfTheOldMechanismAreNot() throws Exception {
        List<ScaleRun.Row> rows;
        try (MemoryBackend backend = new MemoryBackend()) {
            rows = ScaleRun.measure(backend, List.of(5, 40));
        }
        ScaleRun.Row before5 = row(rows, 5, "before"), before40 = row(rows, 40, "before");
        ScaleRun.Row after5 = row(rows, 5, "after"), after40 = row(rows, 40, "after");
        assertThat(rows).allSatisfy(r -> assertThat(r.failure()).isNull());
        assertThat(before40.threads() - before5.threads()).as("old: a thread per service").isGreaterThanOrEqualTo(35);
        assertThat(after40.threads()).as("cache threads at 40 services vs 5").isEqualTo(after5.threads());
        assertThat(after40.threads()).as("pump + bounded delivery pool").isLessThanOrEqualTo(3);
        String section = ScaleRun.render(rows, List.of(5, 40), "test");
        assertThat(section).startsWith("## Scale").contains("| memory | after: one shared subscription | " + after5.threads());
        assertThat(BenchmarkReport.spliceSection("# x\n\n## Scale\nold\n\n## Next\nkept\n", "## Scale\n", section))
                .contains("## Next\nkept").doesNotContain("old");
    }

    private static ScaleRun.Row row(List<ScaleRun.Row> rows, int n, String side) {
        return rows.stream().filter(r -> r.services() == n && r.side().startsWith(side)).findFirst().orElseThrow();
    }
}
