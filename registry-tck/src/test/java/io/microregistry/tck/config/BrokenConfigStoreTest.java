package io.microregistry.tck.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config TCK proves itself: over a store with one classic bug, the contract that guards
 * against that bug must fail; over the correct store, the same groups pass.
 */
@Timeout(300)
@Execution(ExecutionMode.CONCURRENT)
class BrokenConfigStoreTest {

    private static Set<String> failedContracts(Class<? extends ConfigTck> tck, Class<?> group) {
        Events tests = EngineTestKit.engine("junit-jupiter")
                // The contracts of one run share a fixture: one at a time, whatever runs beside this.
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .selectors(DiscoverySelectors.selectNestedClass(List.of(tck), group))
                .execute()
                .testEvents();
        assertThat(tests.started().count()).as("contracts run in %s", group.getSimpleName()).isPositive();
        return tests.failed().stream()
                .map(Event::getTestDescriptor)
                .map(d -> d.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                        .map(MethodSource::getMethodName).orElse(d.getDisplayName()))
                .collect(Collectors.toSet());
    }

    @Test
    void compareAndSetThatDoesNotCompareIsCaught() {
        assertThat(failedContracts(BrokenConfigStores.IgnoresVersionTck.class, ConfigTck.CompareAndSet.class))
                .contains("putIfAbsentCreatesOnlyOnce", "putIfVersionSucceedsOnlyAtTheCurrentVersion",
                        "racingWritersAtOneVersionExactlyOneWins");
    }

    @Test
    void mangledBinaryValuesAreCaught() {
        assertThat(failedContracts(BrokenConfigStores.MangledValuesTck.class, ConfigTck.Crud.class))
                .contains("unicodeEmptyBinaryAndLargestValuesRoundTripExactly");
    }

    @Test
    void aDeleteThatDoesNothingIsCaught() {
        assertThat(failedContracts(BrokenConfigStores.DeleteIsANoopTck.class, ConfigTck.Crud.class))
                .contains("deleteRemovesOnlyThatKey");
        assertThat(failedContracts(BrokenConfigStores.DeleteIsANoopTck.class, ConfigTck.View.class))
                .contains("aViewConvergesOnEveryChange", "layersAreSearchedInOrderFirstHitWins");
    }

    @Test
    void droppedChangesAreCaught() {
        assertThat(failedContracts(BrokenConfigStores.DropsChangesTck.class, ConfigTck.Watch.class))
                .contains("concurrentWritersAreSeenInOrderWithNothingLostOrRepeated");
    }

    @Test
    void aWatchThatResumesFromNowIsCaught() {
        assertThat(failedContracts(BrokenConfigStores.ResumesFromNowTck.class, ConfigTck.Watch.class))
                .contains("concurrentWritersAreSeenInOrderWithNothingLostOrRepeated");
    }

    @Test
    void theCorrectStorePassesEveryGroupTheBrokenOnesFail() {
        for (Class<?> group : List.of(ConfigTck.Crud.class, ConfigTck.CompareAndSet.class, ConfigTck.Watch.class,
                ConfigTck.View.class)) {
            assertThat(failedContracts(BrokenConfigStores.CorrectTck.class, group)).as("failures of %s", group.getSimpleName()).isEmpty();
        }
    }
}
