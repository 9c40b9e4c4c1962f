package io.microregistry;

import io.microregistry.config.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 11: what an application compiles against holds neither the plugin toolkit nor Jackson.
 * The enforcer rule in this module's pom bans the dependency; this test catches the other way
 * back in, classes of the toolkit packages compiled into this module again.
 */
@Timeout(30)
class ApiSurfaceTest {

    @Test
    void jacksonIsNotOnTheClassPathOfTheApi() {
        assertThatThrownBy(() -> Class.forName("com.fasterxml.jackson.databind.ObjectMapper"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void theToolkitPackagesAreNotInTheApi() throws URISyntaxException {
        Path classes = Path.of(Registry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(Files.isDirectory(classes.resolve("io/microregistry/cache")))
                .as("the api's classes are at %s", classes).isTrue();
        for (String toolkit : new String[] {"backend", "memory", "config/store", "config/memory"}) {
            assertThat(classes.resolve("io/microregistry/" + toolkit)).as("package of registry-core").doesNotExist();
        }
    }

    @Test
    void theEntryPointsFindImplementationsOnlyThroughServiceLoaderAndNameTheMissingModule() {
        // No registry-core on this module's class path: not even the memory default is found.
        assertThatThrownBy(() -> Registries.open("memory", RegistryConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registry-core");
        assertThatThrownBy(() -> Configs.open("memory", RegistryConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registry-core");
        assertThat(Registries.providerNames()).isEmpty();
        assertThat(Configs.providerNames()).isEmpty();
    }
}
