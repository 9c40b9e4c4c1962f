package io.microregistry.tck;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract suite every backend must pass. A backend author writes one class:
 *
 * <pre>{@code
 * class MyRegistryTckTest extends RegistryTck {
 *     @Override protected RegistryFixture fixture() { return new MyFixture(); }
 * }
 * }</pre>
 *
 * <p>{@link #fixture()} is called once per test class, before the first contract; the
 * fixture is closed after the last. Contracts are grouped in {@link Nested} classes; each
 * group lives in its own {@code *Contract} file. Contracts that need a {@link Capability}
 * the fixture does not claim are reported skipped with the reason. Every test uses service
 * names of its own, so contracts do not see each other's registrations, and every wait is
 * bounded by the fixture's {@link RegistryFixture#propagationBound()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RegistryTck {

    private RegistryFixture fixture;

    /** The backend under test. Called once per test class. */
    protected abstract RegistryFixture fixture();

    @BeforeAll
    final void startFixture() {
        fixture = fixture();
    }

    @AfterAll
    final void stopFixture() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Nested
    @DisplayName("register")
    class Register extends RegisterContract {
        Register() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("deregister")
    class Deregister extends DeregisterContract {
        Deregister() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("lookup")
    class Lookup extends LookupContract {
        Lookup() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("metadata")
    class Metadata extends MetadataContract {
        Metadata() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("names")
    class Names extends NamesContract {
        Names() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation extends ValidationContract {
        Validation() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("liveness")
    class Liveness extends LivenessContract {
        Liveness() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("watch")
    class Watch extends WatchContract {
        Watch() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency extends ConcurrencyContract {
        Concurrency() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle extends LifecycleContract {
        Lifecycle() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("recovery")
    class Recovery extends RecoveryContract {
        Recovery() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("scale")
    class Scale extends ScaleContract {
        Scale() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("provider discovery")
    class ProviderDiscovery extends ProviderDiscoveryContract {
        ProviderDiscovery() {
            super(fixture);
        }
    }
}
