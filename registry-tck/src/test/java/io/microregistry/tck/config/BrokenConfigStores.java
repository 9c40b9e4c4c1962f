package io.microregistry.tck.config;

import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.store.ConfigStore;
import io.microregistry.config.store.StoreListing;
import io.microregistry.config.store.StoreWatch;
import io.microregistry.config.store.StoreWatchListener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Config stores with one classic bug each, and TCK runs over them; the TCK must catch each. */
final class BrokenConfigStores {
    private BrokenConfigStores() {
    }

    /** Compare-and-set that does not compare. */
    static final class IgnoresVersion extends ForwardingConfigStore {
        IgnoresVersion(ConfigStore d) {
            super(d);
        }

        @Override
        public boolean putIfVersion(String key, byte[] value, long version) {
            delegate.put(key, value);
            return true;
        }

        @Override
        public boolean putIfAbsent(String key, byte[] value) {
            delegate.put(key, value);
            return true;
        }
    }

    /** Stores values as text, the way a careless HTTP client does: binary bytes are mangled. */
    static final class MangledValues extends ForwardingConfigStore {
        MangledValues(ConfigStore d) {
            super(d);
        }

        @Override
        public void put(String key, byte[] value) {
            delegate.put(key, new String(value, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Delete that reports success and does nothing. */
    static final class DeleteIsANoop extends ForwardingConfigStore {
        DeleteIsANoop(ConfigStore d) {
            super(d);
        }

        @Override
        public boolean delete(String key) {
            return true;
        }
    }

    /** Drops every fifth change it should deliver. */
    static final class DropsChanges extends ForwardingConfigStore {
        private final AtomicInteger count = new AtomicInteger();

        DropsChanges(ConfigStore d) {
            super(d);
        }

        @Override
        public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
            return delegate.watch(prefix, afterRevision, new Forwarding(listener) {
                @Override
                public void onChanges(List<ConfigChange> changes) {
                    List<ConfigChange> kept = new ArrayList<>();
                    for (ConfigChange c : changes) {
                        if (count.incrementAndGet() % 5 != 0) {
                            kept.add(c);
                        }
                    }
                    listener.onChanges(kept);
                }
            });
        }
    }

    /** A watch that breaks every ten changes and resumes from "now" instead of where it stopped. */
    static final class ResumesFromNow extends ForwardingConfigStore {
        ResumesFromNow(ConfigStore d) {
            super(d);
        }

        @Override
        public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
            long now = delegate.list(prefix).revision();
            AtomicInteger delivered = new AtomicInteger();
            StoreWatch[] self = new StoreWatch[1];
            self[0] = delegate.watch(prefix, Math.max(now, afterRevision), new Forwarding(listener) {
                @Override
                public void onChanges(List<ConfigChange> changes) {
                    if (delivered.addAndGet(changes.size()) > 10) {
                        listener.onTrouble(new RegistryUnavailableException("flaky watch", null));
                    } else {
                        listener.onChanges(changes);
                    }
                }
            });
            return () -> self[0].close();
        }
    }

    /** Passes everything on. */
    static class Forwarding implements StoreWatchListener {
        private final StoreWatchListener target;

        Forwarding(StoreWatchListener target) {
            this.target = target;
        }

        @Override
        public void onChanges(List<ConfigChange> changes) {
            target.onChanges(changes);
        }

        @Override
        public void onListing(StoreListing listing) {
            target.onListing(listing);
        }

        @Override
        public void onCurrent() {
            target.onCurrent();
        }

        @Override
        public void onTrouble(RegistryException cause) {
            target.onTrouble(cause);
        }
    }

    static final class IgnoresVersionTck extends ConfigTck {
        @Override
        protected ConfigFixture fixture() {
            return new MemoryConfigFixture(IgnoresVersion::new);
        }
    }

    static final class MangledValuesTck extends ConfigTck {
        @Override
        protected ConfigFixture fixture() {
            return new MemoryConfigFixture(MangledValues::new);
        }
    }

    static final class DeleteIsANoopTck extends ConfigTck {
        @Override
        protected ConfigFixture fixture() {
            return new MemoryConfigFixture(DeleteIsANoop::new);
        }
    }

    static final class DropsChangesTck extends ConfigTck {
        @Override
        protected ConfigFixture fixture() {
            return new MemoryConfigFixture(DropsChanges::new);
        }
    }

    static final class ResumesFromNowTck extends ConfigTck {
        @Override
        protected ConfigFixture fixture() {
            return new MemoryConfigFixture(ResumesFromNow::new);
        }
    }

    static final class CorrectTck extends ConfigTck {
        @Override
        protected ConfigFixture fixture() {
            return new MemoryConfigFixture();
        }
    }
}
