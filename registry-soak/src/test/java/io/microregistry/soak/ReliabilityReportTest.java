package io.microregistry.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ReliabilityReportTest {

    @Test
    void replacesOnlyItsOwnSection() {
        String document = "# Reliability\n\nintro\n\n## Fault soak\n\nold table\n\n## Fuzzing\n\nfuzz table\n";

        String updated = ReliabilityReport.replaceSection(document, "## Fault soak\n\nnew table\n\n");

        assertThat(updated).isEqualTo("# Reliability\n\nintro\n\n## Fault soak\n\nnew table\n\n## Fuzzing\n\nfuzz table\n");
    }

    @Test
    void appendsItsSectionWhenAbsent() {
        String updated = ReliabilityReport.replaceSection("# Reliability\n\n## Fuzzing\n\nfuzz\n", "## Fault soak\n\nx\n");

        assertThat(updated).isEqualTo("# Reliability\n\n## Fuzzing\n\nfuzz\n\n## Fault soak\n\nx\n");
    }

    @Test
    void countsEveryKindOfViolation() {
        SoakSettings settings = new SoakSettings(Backend.ETCD, 1, 1, Duration.ofSeconds(2), 2, 1,
                Set.of(FaultKind.SERVER_WIPE), Duration.ofSeconds(11), java.nio.file.Path.of("target"));
        SoakResult result = new SoakResult(settings, Instant.EPOCH, Instant.EPOCH, List.of(
                new FaultOutcome(0, FaultKind.SERVER_WIPE, "server", 120, 0, 0, 0, 0, List.of(), ""),
                new FaultOutcome(1, FaultKind.SERVER_WIPE, "server", -1, 2, 1, 1, 1, List.of(7000L, -1L), "x")), "");

        String md = ReliabilityReport.render(List.of(result), "cmd");

        assertThat(result.clean()).isFalse();
        assertThat(result.violations()).extracting(FaultOutcome::index).containsExactly(1);
        assertThat(md).contains("| etcd | SERVER_WIPE | 2 | 2 | 1 | 1 (1) | 120 | 120 | 1 |");
        assertThat(md).contains("| etcd | SERVER_WIPE | 2 | 7000 | 7000 | 1 |");
    }
}
