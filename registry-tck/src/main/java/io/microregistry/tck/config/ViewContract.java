package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigView;
import io.microregistry.config.ViewOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A live view holds the current values of its prefix, with layered lookup where asked. */
public abstract class ViewContract extends ConfigContract {

    protected ViewContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void aViewConvergesOnEveryChange() {
        Config writer = client();
        writer.put(key("svc/timeout"), "5s");
        writer.put(key("svc/gone"), "soon");
        writer.put(key("svc2/not-mine"), "x");
        ConfigView view = view(client(), ViewOptions.prefix(key("svc")));
        AtomicInteger callbacks = new AtomicInteger();
        view.onChange(callbacks::incrementAndGet);
        assertThat(view.getDuration("timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(view.entries()).containsOnlyKeys("timeout", "gone");
        assertThat(view.status().isCurrent()).isTrue();

        writer.put(key("svc/timeout"), "7s");
        writer.put(key("svc/new/deep"), "42");
        writer.delete(key("svc/gone"));
        writer.put(key("svc2/still-not-mine"), "y");
        await().untilAsserted(() -> {
            assertThat(view.getDuration("timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(7));
            assertThat(view.getInt("new/deep", 0)).isEqualTo(42);
            assertThat(view.get("gone")).isEmpty();
            assertThat(view.entries()).containsOnlyKeys("timeout", "new/deep");
        });
        assertThat(callbacks.get()).isGreaterThanOrEqualTo(3);
        assertThatThrownBy(() -> view.get("../svc2/not-mine")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void layersAreSearchedInOrderFirstHitWins() {
        Config writer = client();
        String base = key("config");
        writer.put(base + "/greeter,dev/greeting", "hello from dev");
        writer.put(base + "/greeter/greeting", "hello from greeter");
        writer.put(base + "/greeter/only-app", "app");
        writer.put(base + "/application/greeting", "hello from everyone");
        writer.put(base + "/application/shared", "shared");
        writer.put(base + "/greeter2/greeting", "lookalike app");
        ConfigView view = view(client(), ViewOptions.application(base, "greeter", "dev"));
        assertThat(view.getString("greeting", null)).isEqualTo("hello from dev");
        assertThat(view.get("greeting").map(ConfigEntry::key)).contains(base + "/greeter,dev/greeting");
        assertThat(view.getString("only-app", null)).isEqualTo("app");
        assertThat(view.getString("shared", null)).isEqualTo("shared");
        assertThat(view.entries()).containsOnlyKeys("greeting", "only-app", "shared");

        writer.delete(base + "/greeter,dev/greeting");
        await().untilAsserted(() -> assertThat(view.getString("greeting", null)).isEqualTo("hello from greeter"));
        writer.delete(base + "/greeter/greeting");
        await().untilAsserted(() -> assertThat(view.getString("greeting", null)).isEqualTo("hello from everyone"));
        writer.put(base + "/greeter,dev/greeting", "dev again");
        await().untilAsserted(() -> assertThat(view.getString("greeting", null)).isEqualTo("dev again"));

        ConfigView noProfile = view(client(), ViewOptions.application(base, "greeter", null));
        assertThat(noProfile.getString("greeting", null)).isEqualTo("hello from everyone");
        assertThat(noProfile.getString("only-app", null)).isEqualTo("app");
    }
}
