package io.microregistry.tck;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

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
 * bounded by the fixture's {@link RegistryFixture#propagationBound()}; every contract has a
 * time limit derived from the fixture's bounds ({@link TimeBudget}), and a fixture may
 * suppress contracts it knowingly does not meet, with a reason ({@link RegistryFixture#suppressed()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RegistryTck {

    private RegistryFixture fixture;

    /** The backend under test. Called once per test class. */
    protected abstract RegistryFixture fixture();

    @BeforeAll
    final void startFixture() {
        fixture = fixture();
        Set<String> contracts = contractNames();
        Set<String> unknown = new TreeSet<>(fixture.suppressed().keySet());
        unknown.removeAll(contracts);
        if (!unknown.isEmpty()) {
            fixture.close();
            throw new IllegalStateException("the fixture suppresses contracts that do not exist: " + unknown
                    + "; suppress by contract method name, e.g. 'deregisteredNodeStaysGoneAfterARestart'");
        }
    }

    /** The method names of every contract in this suite. */
    static Set<String> contractNames() {
        Set<String> names = new TreeSet<>();
        for (Class<?> group : RegistryTck.class.getDeclaredClasses()) {
            for (Class<?> c = group; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(Test.class)) {
                        names.add(m.getName());
                    }
                }
            }
        }
        return names;
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
    @Nested
    @DisplayName("bursts")
    class Bursts extends BurstContract {
        Bursts() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("lookalike names")
    class Lookalikes extends LookalikeContract {
        Lookalikes() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("whole records")
    class Records extends RecordContract {
        Records() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("registration rules")
    class Rules extends RulesContract {
        Rules() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("outage")
    class Outage extends OutageContract {
        Outage() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("namespaces")
    class Namespaces extends NamespaceContract {
        Namespaces() {
            super(fixture);
        }
    }
}
