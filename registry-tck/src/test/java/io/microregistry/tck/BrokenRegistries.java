package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.backend.ForwardingWatcher;
import io.microregistry.Watcher;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Deliberately broken registries over the memory backend, each with one classic bug. The
 * TCK must catch every one: see {@link BrokenRegistryTest}. Their TCK classes are named
 * {@code *Tck} so that Surefire does not run them on their own.
 */
final class BrokenRegistries {
    private BrokenRegistries() {
    }

    /** A memory fixture whose clients are wrapped by {@code breakage}. */
    static class BrokenFixture extends MemoryFixture {
        private final Function<Registry, Registry> breakage;

        BrokenFixture(Function<Registry, Registry> breakage) {
            this.breakage = breakage;
        }

        @Override
        public Registry newClient() {
            return breakage.apply(super.newClient());
        }

        @Override
        public void abandon(Registry client) {
            super.abandon(((ForwardingRegistry) client).delegate);
        }
    }

    /** Forgets node metadata on the way in. */
    static final class DropsMetadata extends ForwardingRegistry {
        DropsMetadata(Registry delegate) {
            super(delegate);
        }

        @Override
        public void register(Service service, RegisterOptions options) {
            super.register(service.withNodes(service.nodes().stream().map(n -> n.withMetadata(Map.of())).toList()),
                    options);
        }
    }

    /** Loses every second watch event. */
    static final class LosesWatchEvents extends ForwardingRegistry {
        LosesWatchEvents(Registry delegate) {
            super(delegate);
        }

        @Override
        public Watcher watch(WatchOptions options) {
            Watcher inner = super.watch(options);
            return new Watcher() {
                private boolean drop;

                @Override
                public WatchEvent next() throws InterruptedException {
                    while (true) {
                        WatchEvent event = inner.next();
                        drop = !drop;
                        if (!drop) {
                            return event;
                        }
                    }
                }

                @Override
                public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
                    long deadline = System.nanoTime() + timeout.toNanos();
                    while (true) {
                        Optional<WatchEvent> event = inner.next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                        if (event.isEmpty()) {
                            return event;
                        }
                        drop = !drop;
                        if (!drop) {
                            return event;
                        }
                    }
                }

                @Override
                public void stop() {
                    inner.stop();
                }

                @Override
                public boolean isStopped() {
                    return inner.isStopped();
                }
            };
        }
    }

    /** Deregistering one node removes every node of the service. */
    static final class DeregistersEverything extends ForwardingRegistry {
        DeregistersEverything(Registry delegate) {
            super(delegate);
        }

        @Override
        public void deregister(Service service) {
            for (Service version : getService(service.name())) {
                super.deregister(version);
            }
            super.deregister(service);
        }
    }

    /** A dead client's nodes never expire: abandoning it changes nothing. */
    static final class NeverExpiresFixture extends MemoryFixture {
        @Override
        public void abandon(Registry client) {
            // The bug: the registry keeps renewing for a client that is gone.
        }
    }

    static final class DropsMetadataTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(DropsMetadata::new);
        }
    }

    static final class LosesWatchEventsTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(LosesWatchEvents::new);
        }
    }

    static final class DeregistersEverythingTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(DeregistersEverything::new);
        }
    }

    static final class NeverExpiresTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new NeverExpiresFixture();
        }
    }


    /** A watcher whose events, one at a time, are rewritten by {@code rewrite}. */
    private static Watcher mapping(Watcher inner, UnaryOperator<WatchEvent> rewrite) {
        return new ForwardingWatcher(inner) {
            @Override
            public WatchEvent next() throws InterruptedException {
                return rewrite.apply(super.next());
            }

            @Override
            public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
                return super.next(timeout).map(rewrite);
            }
        };
    }

    /** Hands out whatever events are already queued in reverse order: a burst arrives backwards. */
    static final class ReversesBursts extends ForwardingRegistry {
        ReversesBursts(Registry delegate) {
            super(delegate);
        }

        @Override
        public Watcher watch(WatchOptions options) {
            return new ForwardingWatcher(super.watch(options)) {
                private final Deque<WatchEvent> ready = new ArrayDeque<>();

                @Override
                public WatchEvent next() throws InterruptedException {
                    while (true) {
                        Optional<WatchEvent> event = next(Duration.ofSeconds(1));
                        if (event.isPresent()) {
                            return event.get();
                        }
                    }
                }

                @Override
                public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
                    if (ready.isEmpty()) {
                        Optional<WatchEvent> first = delegate().next(timeout);
                        if (first.isEmpty()) {
                            return first;
                        }
                        ready.push(first.get());
                        for (Optional<WatchEvent> more = delegate().next(Duration.ofMillis(50)); more.isPresent();
                             more = delegate().next(Duration.ofMillis(50))) {
                            ready.push(more.get());
                        }
                    }
                    return Optional.of(ready.pop());
                }
            };
        }
    }

    /** Filters a service watch by prefix, so {@code greeter-v2} leaks into a {@code greeter} watch. */
    static final class PrefixWatchFilter extends ForwardingRegistry {
        PrefixWatchFilter(Registry delegate) {
            super(delegate);
        }

        @Override
        public Watcher watch(WatchOptions options) {
            if (options.service().isEmpty()) {
                return super.watch(options);
            }
            String prefix = options.service().get();
            Watcher all = super.watch(WatchOptions.all());
            return new ForwardingWatcher(all) {
                @Override
                public WatchEvent next() throws InterruptedException {
                    while (true) {
                        WatchEvent event = super.next();
                        if (event.service().name().startsWith(prefix)) {
                            return event;
                        }
                    }
                }

                @Override
                public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
                    long deadline = System.nanoTime() + timeout.toNanos();
                    while (true) {
                        Optional<WatchEvent> event = super.next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                        if (event.isEmpty() || event.get().service().name().startsWith(prefix)) {
                            return event;
                        }
                    }
                }
            };
        }
    }

    /** Looks services up by prefix: {@code getService("a")} also returns {@code a-b}. */
    static final class PrefixGetService extends ForwardingRegistry {
        PrefixGetService(Registry delegate) {
            super(delegate);
        }

        @Override
        public List<Service> getService(String name) {
            super.getService(name); // validation as usual
            return super.listServices().stream().filter(s -> s.name().startsWith(name)).toList();
        }
    }

    /** Lists services under their key form, go-micro style: {@code a/b} is listed as {@code a-b}. */
    static final class ListsKeyNames extends ForwardingRegistry {
        ListsKeyNames(Registry delegate) {
            super(delegate);
        }

        @Override
        public List<Service> listServices() {
            return super.listServices().stream()
                    .map(s -> new Service(s.name().replace('/', '-'), s.version(), s.metadata(), s.endpoints(), s.nodes()))
                    .toList();
        }
    }

    /** On re-register, keeps metadata keys and endpoints the new record no longer has. */
    static final class MergesOnReRegister extends ForwardingRegistry {
        MergesOnReRegister(Registry delegate) {
            super(delegate);
        }

        @Override
        public void register(Service service, RegisterOptions options) {
            Service merged = service;
            for (Service old : getService(service.name())) {
                if (old.nodes().stream().anyMatch(n -> service.nodes().stream().anyMatch(m -> m.id().equals(n.id())))) {
                    Map<String, String> metadata = new HashMap<>(old.metadata());
                    metadata.putAll(service.metadata());
                    merged = new Service(service.name(), service.version(), metadata,
                            service.endpoints().isEmpty() ? old.endpoints() : service.endpoints(), service.nodes());
                }
            }
            super.register(merged, options);
        }
    }

    /** Watch events carry the service without its metadata and endpoints. */
    static final class ThinEvents extends ForwardingRegistry {
        ThinEvents(Registry delegate) {
            super(delegate);
        }

        @Override
        public Watcher watch(WatchOptions options) {
            return mapping(super.watch(options), e -> new WatchEvent(e.type(),
                    new Service(e.service().name(), e.service().version(), Map.of(), List.of(), e.service().nodes())));
        }
    }

    /** A DELETE carries only the node id, not the last known record. */
    static final class BareDeletes extends ForwardingRegistry {
        BareDeletes(Registry delegate) {
            super(delegate);
        }

        @Override
        public Watcher watch(WatchOptions options) {
            return mapping(super.watch(options), e -> e.type() != WatchEvent.Type.DELETE ? e
                    : WatchEvent.delete(new Service(e.service().name(), e.service().version(), Map.of(), List.of(),
                    List.of(Node.of(e.node().id(), "")))));
        }
    }

    /** {@code next(timeout)} ignores its timeout and blocks until an event comes. */
    static final class IgnoresNextTimeout extends ForwardingRegistry {
        IgnoresNextTimeout(Registry delegate) {
            super(delegate);
        }

        @Override
        public Watcher watch(WatchOptions options) {
            return new ForwardingWatcher(super.watch(options)) {
                @Override
                public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
                    return Optional.of(delegate().next());
                }
            };
        }
    }

    /** Writes a registration node by node, so a call rejected for its second node has written its first. */
    static final class WritesNodeByNode extends ForwardingRegistry {
        WritesNodeByNode(Registry delegate) {
            super(delegate);
        }

        @Override
        public void register(Service service, RegisterOptions options) {
            if (service == null || service.nodes().isEmpty()) {
                super.register(service, options);
                return;
            }
            for (Node node : service.nodes()) {
                super.register(service.withNode(node), options);
            }
        }
    }

    /** Has a stricter limit of its own: anything over 128 characters is refused, though the rules allow 255. */
    static final class TooStrict extends ForwardingRegistry {
        TooStrict(Registry delegate) {
            super(delegate);
        }

        @Override
        public void register(Service service, RegisterOptions options) {
            if (service != null) {
                List<String> texts = new ArrayList<>(List.of(service.name(), service.version()));
                texts.addAll(service.metadata().keySet());
                service.endpoints().forEach(e -> texts.add(e.name()));
                service.nodes().forEach(n -> {
                    texts.add(n.id());
                    texts.add(n.address());
                    texts.addAll(n.metadata().keySet());
                });
                if (texts.stream().anyMatch(t -> t.length() > 128)) {
                    throw new IllegalArgumentException("field too long for this backend");
                }
            }
            super.register(service, options);
        }
    }

    /** Deregister returns quietly for a blank name instead of rejecting it. */
    static final class LaxDeregister extends ForwardingRegistry {
        LaxDeregister(Registry delegate) {
            super(delegate);
        }

        @Override
        public void deregister(Service service) {
            if (service != null && (service.name().isBlank() || service.nodes().isEmpty())) {
                return;
            }
            super.deregister(service);
        }
    }

    static final class ReversesBurstsTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(ReversesBursts::new);
        }
    }

    static final class PrefixWatchFilterTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(PrefixWatchFilter::new);
        }
    }

    static final class PrefixGetServiceTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(PrefixGetService::new);
        }
    }

    static final class ListsKeyNamesTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(ListsKeyNames::new);
        }
    }

    static final class MergesOnReRegisterTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(MergesOnReRegister::new);
        }
    }

    static final class ThinEventsTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(ThinEvents::new);
        }
    }

    static final class BareDeletesTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(BareDeletes::new);
        }
    }

    static final class IgnoresNextTimeoutTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(IgnoresNextTimeout::new);
        }
    }

    /**
     * Checks the rules, then refuses records over 128 KiB, half what the rules allow, as a backend
     * with a small request limit would.
     */
    static final class SmallRecords extends ForwardingRegistry {
        SmallRecords(Registry delegate) {
            super(delegate);
        }

        @Override
        public void register(Service service, RegisterOptions options) {
            io.microregistry.RegistrationRules.checkRegister(service, options);
            // Only records the rules accept are refused: one over the rules' limit still gets the core's error.
            if (service.nodes().stream().mapToInt(n -> io.microregistry.backend.ServiceJson.encode(service.withNode(n)).length)
                    .anyMatch(size -> size > 128 * 1024 && size <= io.microregistry.RegistrationRules.MAX_RECORD_BYTES)) {
                throw new io.microregistry.RegistryException("request too large");
            }
            super.register(service, options);
        }
    }

    /** Enforces the whole-record limits, but says only that the registration is invalid. */
    static final class VagueLimits extends ForwardingRegistry {
        VagueLimits(Registry delegate) {
            super(delegate);
        }

        @Override
        public void register(Service service, RegisterOptions options) {
            try {
                super.register(service, options);
            } catch (IllegalArgumentException e) {
                String message = String.valueOf(e.getMessage());
                if (message.contains("record of node") || message.contains("values per endpoint")) {
                    throw new IllegalArgumentException("invalid registration");
                }
                throw e;
            }
        }
    }

    static final class SmallRecordsTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(SmallRecords::new);
        }
    }

    static final class VagueLimitsTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(VagueLimits::new);
        }
    }

    static final class WritesNodeByNodeTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(WritesNodeByNode::new);
        }
    }

    static final class TooStrictTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(TooStrict::new);
        }
    }

    static final class LaxDeregisterTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new BrokenFixture(LaxDeregister::new);
        }
    }

    static final class ResurrectingKeeperTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new RestartableMemoryFixture(KeepingRegistry.Flaw.KEEPS_DEREGISTERED);
        }
    }

    static final class StrippingKeeperTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new RestartableMemoryFixture(KeepingRegistry.Flaw.WRITES_BACK_STRIPPED);
        }
    }

    /**
     * Ignores the namespace: a client "in" any namespace is a client of the shared default
     * world, as a plugin whose store never reads {@code RegistryConfig.namespace()} would be.
     */
    static final class IgnoresNamespaceFixture extends MemoryFixture {
        @Override
        public Registry newClient(String namespace) {
            return newClient();
        }
    }

    /**
     * Reads namespaces by prefix: {@code getService} and {@code listServices} of a client in
     * namespace {@code n} also return the nodes of every namespace whose path merely starts with
     * {@code n} ({@code n/b}, {@code n-b}, {@code nb}), as a store that ranges over its root
     * without the trailing {@code /} would. Watches and writes are right.
     */
    static final class PrefixNamespaceFixture extends MemoryFixture {
        private final Map<String, Registry> peekers = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Registry newClient(String namespace) {
            peekers.computeIfAbsent(namespace, super::newClient);
            return new ForwardingRegistry(super.newClient(namespace)) {
                @Override
                public List<Service> getService(String name) {
                    List<Service> found = new ArrayList<>(super.getService(name));
                    lookalikes(namespace).forEach(other -> found.addAll(other.getService(name)));
                    return found;
                }

                @Override
                public List<Service> listServices() {
                    List<Service> found = new ArrayList<>(super.listServices());
                    lookalikes(namespace).forEach(other -> found.addAll(other.listServices()));
                    return found;
                }
            };
        }

        /** Clients of the namespaces that start with {@code namespace} but are not it. */
        private List<Registry> lookalikes(String namespace) {
            return peekers.entrySet().stream().filter(e -> e.getKey().startsWith(namespace) && !e.getKey().equals(namespace))
                    .map(Map.Entry::getValue).toList();
        }

        @Override
        public void abandon(Registry client) {
            super.abandon(client instanceof ForwardingRegistry forwarding ? forwarding.delegate : client);
        }
    }

    static final class PrefixNamespaceTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new PrefixNamespaceFixture();
        }
    }

    static final class IgnoresNamespaceTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new IgnoresNamespaceFixture();
        }
    }

    /** An honest backend without namespaces: it does not claim the capability. */
    static final class NoNamespacesTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new MemoryFixture() {
                @Override
                public java.util.Set<Capability> capabilities() {
                    return java.util.Set.of(Capability.ABANDON_CLIENT, Capability.PROVIDER_DISCOVERY);
                }
            };
        }
    }

    /** The correct keeper over a restartable memory "server": the control group of the outage contracts. */
    static final class CorrectKeeperTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new RestartableMemoryFixture(KeepingRegistry.Flaw.NONE);
        }
    }

    /** A correct backend whose fixture suppresses one contract, with a reason. */
    static final class SuppressingTck extends RegistryTck {
        static final String REASON = "known gap, tracked as issue 99";

        @Override
        protected RegistryFixture fixture() {
            return new MemoryFixture() {
                @Override
                public Map<String, String> suppressed() {
                    return Suppressions.builder().suppress("deregisteringOneNodeKeepsTheOthers", REASON).build();
                }
            };
        }
    }

    /** A fixture that suppresses a contract that does not exist: a typo must not pass quietly. */
    static final class MisspelledSuppressionTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new MemoryFixture() {
                @Override
                public Map<String, String> suppressed() {
                    return Suppressions.builder().suppress("deregisteringOneNodeKeepsTheOther", "typo").build();
                }
            };
        }
    }

    /** The unbroken memory backend, run the same way, as the control group. */
    static final class CorrectTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new MemoryFixture();
        }
    }
}
