package io.microregistry.tck;

import io.microregistry.Registry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lookups of what is not there. Pinned behaviour: an unknown service is an empty list, not
 * an exception, so "nothing registered yet" needs no try/catch at every call site; the
 * {@code Selector} turns it into a clear error where a node is required.
 */
public abstract class LookupContract extends Contract {

    protected LookupContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    void unknownServiceIsAnEmptyList() {
        Registry client = client();
        assertThat(client.getService(uniqueName("unknown"))).isNotNull().isEmpty();
    }

    @Test
    void listServicesNeverReturnsNull() {
        assertThat(client().listServices()).isNotNull();
    }

    @Test
    void lookupResultsAreImmutable() {
        String name = uniqueName("immutable");
        Registry client = client();
        client.register(service(name, "1", node("n1", "127.0.0.1:1")));
        await().until(() -> present(client, name, "n1"));

        var services = client.getService(name);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> services.clear())
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> services.get(0).nodes().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
