package io.microregistry.consul;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * consul-client brings both {@code okhttp} 4.x and {@code okhttp-jvm} 5.x, which hold the same
 * classes; the root pom's okhttp and okio BOM imports must leave exactly one copy of each.
 */
class ClasspathTest {

    @Test
    void exactlyOneCopyOfOkHttpAndOkio() throws IOException {
        for (String resource : List.of("okhttp3/OkHttpClient.class", "okhttp3/Dispatcher.class", "okio/Buffer.class")) {
            List<URL> copies = Collections.list(getClass().getClassLoader().getResources(resource));
            assertThat(copies).as("copies of %s on the test class path", resource).hasSize(1);
        }
    }
}
