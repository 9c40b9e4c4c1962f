package io.microregistry.tck.fuzz;

import io.microregistry.tck.RegistryFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The fuzzer as a test a backend module runs with one class:
 *
 * <pre>{@code
 * class MyRegistryFuzzTest extends RegistryFuzz {
 *     protected RegistryFixture fixture() { return new MyFixture(); }
 *     protected String backend() { return "mine"; }
 * }
 * }</pre>
 *
 * <p>System properties: {@code micro.registry.fuzz.cases} (default 300),
 * {@code micro.registry.fuzz.seed} (default 15), and {@code micro.registry.fuzz.report}, a
 * path to {@code docs/reliability.md} to write the counts into. The test fails, listing
 * examples with their case numbers, unless every count but accepted and rejected-with-field
 * is zero.
 */
@Timeout(value = 4, unit = TimeUnit.HOURS)
public abstract class RegistryFuzz {

    /** A fresh fixture; the fuzz test closes it. */
    protected abstract RegistryFixture fixture();

    /** The backend's name, for the report. */
    protected abstract String backend();

    /** How long one call may take before it counts as a hang. */
    protected Duration callBound() {
        return Duration.ofSeconds(30);
    }

    @Test
    void hostileRegistrationsCorruptNothingAndEscapeNothing() throws Exception {
        int cases = Integer.getInteger("micro.registry.fuzz.cases", 300);
        long seed = Long.getLong("micro.registry.fuzz.seed", 15L);
        try (RegistryFixture fixture = fixture()) {
            Fuzzer fuzzer = new Fuzzer(fixture::newClient, fixture.propagationBound(), callBound());
            // Bounded by the size of the run: a few hundred cases take well under a minute.
            FuzzReport report = assertTimeoutPreemptively(Duration.ofSeconds(120 + cases / 2),
                    () -> fuzzer.run(backend(), seed, cases));
            System.out.println(report);
            String target = System.getProperty("micro.registry.fuzz.report");
            if (target != null && !target.isBlank()) {
                ReliabilityDoc.write(Path.of(target), report);
            }
            assertThat(report.tried()).isEqualTo(cases);
            assertThat(report.count(Outcome.ACCEPTED)).as("accepted cases").isPositive();
            assertThat(report.count(Outcome.REJECTED_WITH_FIELD)).as("rejected cases").isPositive();
            assertThat(report.failures()).as(report.toString()).isZero();
        }
    }
}
