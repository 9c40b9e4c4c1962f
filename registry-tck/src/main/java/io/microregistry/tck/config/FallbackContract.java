package io.microregistry.tck.config;

import io.microregistry.RegistryException;
import io.microregistry.WatchStatus;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigView;
import io.microregistry.config.ViewOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A view with a last-known-good file boots from it when the server is down, says so, and catches up. */
public abstract class FallbackContract extends ConfigContract {

    @TempDir
    Path dir;

    protected FallbackContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void theFallbackFileIsUsedWhenTheServerIsDownAtBoot() {
        require(ConfigCapability.SERVER_STOP);
        Path file = dir.resolve("config-lkg.json");
        Config writer = client();
        writer.put(key("app/greeting"), "hello");
        writer.put(key("app/limit"), "10");
        ViewOptions options = ViewOptions.prefix(key("app")).withFallbackFile(file);
        try (ConfigView first = client().view(options)) {
            assertThat(first.getString("greeting", null)).isEqualTo("hello");
            writer.put(key("app/limit"), "11");
            await().untilAsserted(() -> assertThat(first.getInt("limit", 0)).isEqualTo(11));
        }
        assertThat(file).exists();

        fixture().stopServer();
        try {
            Config booting = client();
            ConfigView view = view(booting, options);
            assertThat(view.getString("greeting", null)).isEqualTo("hello");
            assertThat(view.getInt("limit", 0)).isEqualTo(11);
            WatchStatus status = view.status();
            assertThat(status.state()).isEqualTo(WatchStatus.State.STALE);
            assertThat(status.cause()).isPresent();

            Config noFile = client();
            assertThatThrownBy(() -> noFile.view(ViewOptions.prefix(key("app"))))
                    .as("without a file, a view cannot boot from nothing")
                    .isInstanceOf(RegistryException.class);
        } finally {
            fixture().startServer();
        }
        ConfigView view = view(client(), options.withFallbackFile(dir.resolve("other.json")));
        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class)
                .untilAsserted(() -> writer.put(key("app/greeting"), "hello again"));
        await(fixture().recoveryBound()).untilAsserted(() -> assertThat(view.getString("greeting", null)).isEqualTo("hello again"));
    }

    @Test
    void aStaleViewCatchesUpOnceTheServerIsBack() throws Exception {
        require(ConfigCapability.SERVER_STOP);
        Path file = dir.resolve("lkg.json");
        Config writer = client();
        writer.put(key("svc/mode"), "old");
        writer.put(key("svc/removed"), "x");
        ViewOptions options = ViewOptions.prefix(key("svc")).withFallbackFile(file);
        client().view(options).close();
        writer.put(key("svc/mode"), "new");
        writer.delete(key("svc/removed"));
        fixture().stopServer();
        ConfigView view;
        try {
            view = view(client(), options);
            assertThat(view.getString("mode", null)).isEqualTo("old");
            assertThat(view.status().isCurrent()).as("a view booted from its file while the server is down").isFalse();
        } finally {
            fixture().startServer();
        }
        // Whether the server kept its state or not (a dev agent does not), writes after it is back must reach the view.
        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() -> {
            writer.put(key("svc/mode"), "newer");
            writer.delete(key("svc/removed"));
        });
        await(fixture().recoveryBound()).untilAsserted(() -> {
            assertThat(view.getString("mode", null)).isEqualTo("newer");
            assertThat(view.get("removed")).isEmpty();
            assertThat(view.status().isCurrent()).isTrue();
        });
        await().untilAsserted(() -> assertThat(Files.readString(file))
                .contains(java.util.Base64.getEncoder().encodeToString("newer".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .doesNotContain(key("svc/removed")));
    }
}
