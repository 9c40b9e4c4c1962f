package io.microregistry.tck;

import org.junit.jupiter.api.Test;
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
 * The TCK proves itself: run against a registry with one classic bug, the contract that
 * guards against that bug must fail. A TCK that passes everything would pass nothing here.
 */
class BrokenRegistryTest {

    private static Set<String> failedContracts(Class<? extends RegistryTck> tck, Class<?> group) {
        Events tests = EngineTestKit.engine("junit-jupiter")
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
    void droppedMetadataIsCaught() {
        assertThat(failedContracts(BrokenRegistries.DropsMetadataTck.class, RegistryTck.Metadata.class))
                .contains("everythingRoundTripsThroughGetService", "everythingRoundTripsThroughListServices",
                        "everythingRoundTripsThroughWatch", "nodesOfOneVersionKeepTheirOwnMetadata");
    }

    @Test
    void lostWatchEventsAreCaught() {
        assertThat(failedContracts(BrokenRegistries.LosesWatchEventsTck.class, RegistryTck.Watch.class))
                .contains("createUpdateDeleteArriveInOrderPerNode", "severalWatchersSeeTheSameSequence");
    }

    @Test
    void deregisteringEverythingIsCaught() {
        assertThat(failedContracts(BrokenRegistries.DeregistersEverythingTck.class, RegistryTck.Deregister.class))
                .contains("deregisteringOneNodeKeepsTheOthers");
        assertThat(failedContracts(BrokenRegistries.DeregistersEverythingTck.class, RegistryTck.Names.class))
                .isEmpty();
    }

    @Test
    void neverExpiringDeadNodesIsCaught() {
        assertThat(failedContracts(BrokenRegistries.NeverExpiresTck.class, RegistryTck.Liveness.class))
                .contains("abandonedClientsNodeIsGoneWithinTtl");
        assertThat(failedContracts(BrokenRegistries.NeverExpiresTck.class, RegistryTck.Watch.class))
                .contains("expiryIsSeenAsDelete");
    }

    @Test
    void theMemoryBackendPassesTheGroupsTheBrokenOnesFail() {
        for (Class<?> group : List.of(RegistryTck.Metadata.class, RegistryTck.Watch.class,
                RegistryTck.Deregister.class, RegistryTck.Liveness.class)) {
            assertThat(failedContracts(BrokenRegistries.CorrectTck.class, group)).as("failures of %s", group.getSimpleName()).isEmpty();
        }
    }
}
