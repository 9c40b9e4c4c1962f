package io.microregistry.tck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TCK proves itself: run against a registry with one classic bug, the contract that
 * guards against that bug must fail. A TCK that passes everything would pass nothing here.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
class BrokenRegistryTest {

    private static Events run(Class<? extends RegistryTck> tck, Class<?> group) {
        Events tests = EngineTestKit.engine("junit-jupiter")
                // The contracts of one run share a fixture: one at a time, whatever runs beside this.
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .selectors(DiscoverySelectors.selectNestedClass(List.of(tck), group))
                .execute()
                .testEvents();
        assertThat(tests.started().count()).as("contracts run in %s", group.getSimpleName()).isPositive();
        return tests;
    }

    private static Set<String> failedContracts(Class<? extends RegistryTck> tck, Class<?> group) {
        return names(run(tck, group).failed());
    }

    private static Set<String> names(Events events) {
        return events.stream()
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
    void aBurstDeliveredBackwardsIsCaught() {
        assertThat(failedContracts(BrokenRegistries.ReversesBurstsTck.class, RegistryTck.Bursts.class))
                .containsExactlyInAnyOrder("burstsOfConcurrentChangesArriveInOrderPerNode",
                        "burstsFromOneClientPerNodeArriveInOrderPerNode");
    }

    @Test
    void aPrefixWatchFilterIsCaught() {
        assertThat(failedContracts(BrokenRegistries.PrefixWatchFilterTck.class, RegistryTck.Lookalikes.class))
                .containsExactly("watchFilterKeepsLookalikesOut");
    }

    @Test
    void aPrefixLookupIsCaught() {
        assertThat(failedContracts(BrokenRegistries.PrefixGetServiceTck.class, RegistryTck.Lookalikes.class))
                .containsExactly("getServiceAndListServicesKeepLookalikesApart");
    }

    @Test
    void listingKeyNamesInsteadOfNamesIsCaught() {
        assertThat(failedContracts(BrokenRegistries.ListsKeyNamesTck.class, RegistryTck.Lookalikes.class))
                .containsExactly("getServiceAndListServicesKeepLookalikesApart");
    }

    @Test
    void mergingOnReRegisterIsCaught() {
        assertThat(failedContracts(BrokenRegistries.MergesOnReRegisterTck.class, RegistryTck.Records.class))
                .containsExactly("everyWriteIsSeenWholeByEveryView");
    }

    @Test
    void eventsWithoutTheWholeRecordAreCaught() {
        assertThat(failedContracts(BrokenRegistries.ThinEventsTck.class, RegistryTck.Records.class))
                .containsExactlyInAnyOrder("everyWriteIsSeenWholeByEveryView", "movingANodeToAnotherVersionMovesItWhole");
    }

    @Test
    void bareDeletesAreCaught() {
        assertThat(failedContracts(BrokenRegistries.BareDeletesTck.class, RegistryTck.Outage.class))
                .containsExactly("watcherSeesAnAbandonedClientsNodesGoWhole");
        assertThat(failedContracts(BrokenRegistries.BareDeletesTck.class, RegistryTck.Records.class))
                .containsExactly("everyWriteIsSeenWholeByEveryView");
    }

    @Test
    void aNextThatIgnoresItsTimeoutFailsOneContractWithAClearMessage() {
        Events tests = run(BrokenRegistries.IgnoresNextTimeoutTck.class, RegistryTck.Watch.class);
        assertThat(names(tests.failed())).containsExactly("nextWithATimeoutReturnsEmptyWhenNothingHappens");
        assertThat(tests.failed().stream().map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable()
                .orElseThrow().getMessage()).findFirst().orElseThrow())
                .contains("did not finish within its time limit").contains("propagationBound");
    }

    @Test
    void writingNodeByNodeIsCaught() {
        assertThat(failedContracts(BrokenRegistries.WritesNodeByNodeTck.class, RegistryTck.Rules.class))
                .contains("aCallRejectedForAnyFieldWritesNothing");
    }

    @Test
    void limitsStricterThanTheRulesAreCaught() {
        // Its message names no field either, which the rejection contract catches too.
        assertThat(failedContracts(BrokenRegistries.TooStrictTck.class, RegistryTck.Rules.class))
                .containsExactlyInAnyOrder("everyFieldAcceptsTheEdgeOfEachRuleAndReturnsItExactly",
                        "everyFieldRejectsEveryBrokenValue");
    }

    @Test
    void aRecordLimitStricterThanTheRulesIsCaught() {
        assertThat(failedContracts(BrokenRegistries.SmallRecordsTck.class, RegistryTck.Rules.class))
                .containsExactly("aRecordOfExactlyTheLargestSizeIsAcceptedWhole");
    }

    @Test
    void recordLimitsThatNameNoFieldAreCaught() {
        assertThat(failedContracts(BrokenRegistries.VagueLimitsTck.class, RegistryTck.Rules.class))
                .containsExactly("everyRecordLimitRejectsOneOverAndWritesNothing");
    }

    @Test
    void aDeregisterThatSkipsTheRulesIsCaught() {
        assertThat(failedContracts(BrokenRegistries.LaxDeregisterTck.class, RegistryTck.Rules.class))
                .containsExactly("namesAreCheckedByEveryOperationThatTakesThem");
    }

    @Test
    void aKeeperThatWritesBackADeregisteredNodeIsCaught() {
        assertThat(failedContracts(BrokenRegistries.ResurrectingKeeperTck.class, RegistryTck.Outage.class))
                .containsExactlyInAnyOrder("deregisteredNodeStaysGoneAfterARestart",
                        "deregisteredNodeStaysGoneAfterASessionLoss");
    }

    @Test
    void aKeeperThatWritesBackPartialRecordsIsCaught() {
        assertThat(failedContracts(BrokenRegistries.StrippingKeeperTck.class, RegistryTck.Outage.class))
                .containsExactlyInAnyOrder("wholeRecordsSurviveAServerRestart", "watcherSeesDeltasAcrossARestart",
                        "deregisteredNodeStaysGoneAfterASessionLoss");
        // The old recovery contract compared node ids only: this is the gap the outage group closes.
        assertThat(failedContracts(BrokenRegistries.StrippingKeeperTck.class, RegistryTck.Recovery.class)).isEmpty();
    }

    @Test
    void ignoringTheNamespaceIsCaught() {
        // Clients of one namespace still meet (they all meet): only the separation fails.
        assertThat(failedContracts(BrokenRegistries.IgnoresNamespaceTck.class, RegistryTck.Namespaces.class))
                .containsExactlyInAnyOrder("getServiceAndListServicesSeeOnlyTheirOwnNamespace",
                        "watchingEverythingSeesOnlyItsOwnNamespace", "watchingOneServiceSeesOnlyItsOwnNamespace",
                        "subscriptionsSeeOnlyTheirOwnNamespace", "deregisteringInOneNamespaceKeepsTheOthers",
                        "expiryInOneNamespaceKeepsTheOthers");
    }

    @Test
    void readingNamespacesByPrefixIsCaught() {
        // Its watchers are right; its subscriptions are the default hub over its reads, so their
        // snapshot leaks with listServices.
        assertThat(failedContracts(BrokenRegistries.PrefixNamespaceTck.class, RegistryTck.Namespaces.class))
                .containsExactlyInAnyOrder("getServiceAndListServicesSeeOnlyTheirOwnNamespace",
                        "subscriptionsSeeOnlyTheirOwnNamespace", "deregisteringInOneNamespaceKeepsTheOthers",
                        "expiryInOneNamespaceKeepsTheOthers");
    }

    @Test
    void withoutTheCapabilityTheNamespaceContractsAreSkippedWithTheReason() {
        Events tests = run(BrokenRegistries.NoNamespacesTck.class, RegistryTck.Namespaces.class);
        assertThat(names(tests.failed())).isEmpty();
        assertThat(tests.skipped().count()).isZero();
        assertThat(tests.aborted().stream().map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable()
                .orElseThrow().getMessage()).toList())
                .allSatisfy(m -> assertThat(m).contains(Capability.NAMESPACES.missingReason()));
        assertThat(tests.aborted().count()).as("every namespace contract skipped")
                .isEqualTo(java.util.Arrays.stream(NamespaceContract.class.getDeclaredMethods())
                        .filter(m -> m.isAnnotationPresent(Test.class)).count());
    }

    @Test
    void aCorrectKeeperPassesTheOutageContracts() {
        for (Class<?> group : List.of(RegistryTck.Outage.class, RegistryTck.Recovery.class)) {
            Events tests = run(BrokenRegistries.CorrectKeeperTck.class, group);
            assertThat(names(tests.failed())).as("failures of %s", group.getSimpleName()).isEmpty();
            assertThat(tests.skipped().count()).as("skipped in %s", group.getSimpleName()).isZero();
        }
    }

    @Test
    void aSuppressedContractIsReportedSkippedWithItsReason() {
        Events tests = run(BrokenRegistries.SuppressingTck.class, RegistryTck.Deregister.class);
        assertThat(names(tests.failed())).isEmpty();
        assertThat(tests.skipped().stream().map(e -> e.getRequiredPayload(String.class)).toList())
                .containsExactly("suppressed by the fixture: " + BrokenRegistries.SuppressingTck.REASON);
        assertThat(names(tests.skipped())).containsExactly("deregisteringOneNodeKeepsTheOthers");
    }

    @Test
    void suppressingAContractThatDoesNotExistFails() {
        Events containers = EngineTestKit.engine("junit-jupiter")
                // The contracts of one run share a fixture: one at a time, whatever runs beside this.
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .selectors(DiscoverySelectors.selectNestedClass(List.of(BrokenRegistries.MisspelledSuppressionTck.class),
                        RegistryTck.Deregister.class))
                .execute()
                .containerEvents();
        assertThat(containers.failed().stream().map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable()
                .orElseThrow().getMessage()).toList())
                .anySatisfy(m -> assertThat(m).contains("do not exist").contains("deregisteringOneNodeKeepsTheOther"));
    }

    @Test
    void theMemoryBackendPassesTheGroupsTheBrokenOnesFail() {
        for (Class<?> group : List.of(RegistryTck.Metadata.class, RegistryTck.Watch.class,
                RegistryTck.Deregister.class, RegistryTck.Liveness.class, RegistryTck.Bursts.class,
                RegistryTck.Lookalikes.class, RegistryTck.Records.class, RegistryTck.Rules.class,
                RegistryTck.Outage.class, RegistryTck.Validation.class, RegistryTck.Namespaces.class)) {
            assertThat(failedContracts(BrokenRegistries.CorrectTck.class, group)).as("failures of %s", group.getSimpleName()).isEmpty();
        }
    }
}
