package io.microregistry.tck.config;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The config center's contract suite. A backend author writes one class:
 *
 * <pre>{@code
 * class MyConfigTckTest extends ConfigTck {
 *     @Override protected ConfigFixture fixture() { return new MyConfigFixture(); }
 * }
 * }</pre>
 *
 * <p>The fixture is created once per test class and closed after the last contract. Each
 * contract works under a key root of its own, waits at most the fixture's bounds, has a time
 * limit, and is skipped with the reason when it needs a {@link ConfigCapability} the fixture
 * lacks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConfigTck {

    private ConfigFixture fixture;

    /** The backend under test. Called once per test class. */
    protected abstract ConfigFixture fixture();

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
    @DisplayName("crud")
    class Crud extends CrudContract {
        Crud() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("compare-and-set")
    class CompareAndSet extends CompareAndSetContract {
        CompareAndSet() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("prefixes")
    class Prefixes extends PrefixContract {
        Prefixes() {
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
    @DisplayName("watch")
    class Watch extends WatchContract {
        Watch() {
            super(fixture);
        }
    }

    @Nested
    @DisplayName("view")
    class View extends ViewContract {
        View() {
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
    @DisplayName("fallback")
    class Fallback extends FallbackContract {
        Fallback() {
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
