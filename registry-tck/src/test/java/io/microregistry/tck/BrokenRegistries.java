package io.microregistry.tck;


import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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


    /** The unbroken memory backend, run the same way, as the control group. */
    static final class CorrectTck extends RegistryTck {
        @Override
        protected RegistryFixture fixture() {
            return new MemoryFixture();
        }
    }
}
