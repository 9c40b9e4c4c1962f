package io.microregistry.soak;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short fault soak that runs in every build: per backend, two faults of each kind not in
 * {@link ShortSoakExclusions}, 4 registrant processes x 3 nodes, TTL 2 s, seed 14 (override with
 * {@code -Dsoak.seed=N} to reproduce another sequence). Nothing may be lost, stale or diverged.
 * Each backend's report goes to {@code target/short-soak-<backend>.md}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShortSoakTest {
    private static final int FAULTS_PER_KIND = 2;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyFaultKindKeepsTheGuarantees(Backend backend) throws Exception {
        Set<FaultKind> kinds = ShortSoakExclusions.enabled(backend);
        Duration ttl = Duration.ofSeconds(2);
        long seed = Long.getLong("soak.seed", 14L);
        SoakSettings settings = new SoakSettings(backend, 4, 3, ttl, FAULTS_PER_KIND * kinds.size(), seed, kinds,
                ttl.multipliedBy(3).plusSeconds(5), Path.of("target", "short-soak", backend.provider()));

        SoakResult result = new SoakRun(settings).run();

        String report = ReliabilityReport.render(List.of(result), "ShortSoakTest, seed " + seed);
        Files.writeString(Path.of("target", "short-soak-" + backend.provider() + ".md"), report);
        assertThat(result.outcomes()).hasSize(FAULTS_PER_KIND * kinds.size());
        assertThat(result.outcomes()).extracting(FaultOutcome::kind).containsAll(kinds);
        assertThat(result.violations()).as(report).isEmpty();
    }
}
