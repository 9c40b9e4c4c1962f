package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigKeys;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad keys and values fail with IllegalArgumentException naming the rule, before anything is written. */
public abstract class ValidationContract extends ConfigContract {

    protected ValidationContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void badKeysAreRejectedNamingTheRule() {
        Config client = client();
        Map<String, String> bad = Map.of(
                "", "empty",
                "/" + key("abs"), "start or end with '/'",
                key("dir/"), "start or end with '/'",
                key("a//b"), "empty segment",
                key("a/../../escape"), "'..'",
                key("./x"), "'.'",
                key("tab\there"), "control characters",
                key("nul\u0000"), "control characters",
                key("long/") + "x".repeat(ConfigKeys.MAX_KEY_BYTES), "longer than",
                key("lone\ud800surrogate"), "surrogate");
        bad.forEach((k, rule) -> {
            for (ThrowableAssert.ThrowingCallable call : List.<ThrowableAssert.ThrowingCallable>of(
                    () -> client.put(k, "v"), () -> client.get(k), () -> client.delete(k),
                    () -> client.putIfAbsent(k, utf8("v")), () -> client.putIfVersion(k, utf8("v"), 1),
                    () -> client.watchKey(k))) {
                assertThatThrownBy(call).as("key '%s'", k).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(rule);
            }
        });
        assertThatThrownBy(() -> client.list(key("a//b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty segment");
        assertThatThrownBy(() -> client.watch("../" + key("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> client.list(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(client.list(root())).as("nothing was written").isEmpty();
    }

    @Test
    void valuesOverTheLimitAreRejectedBeforeWriting() {
        Config client = client();
        byte[] tooBig = new byte[ConfigKeys.MAX_VALUE_BYTES + 1];
        assertThatThrownBy(() -> client.put(key("big"), tooBig)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key("big")).hasMessageContaining(String.valueOf(ConfigKeys.MAX_VALUE_BYTES));
        assertThatThrownBy(() -> client.putIfAbsent(key("big"), tooBig)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.put(key("null"), (byte[]) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThat(client.get(key("big"))).isEmpty();
        assertThat(client.list(root())).isEmpty();
    }

    @Test
    void aClosedClientRefusesCalls() {
        Config client = fixture().newClient();
        client.close();
        client.close();
        assertThatThrownBy(() -> client.get(key("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.put(key("x"), "v")).isInstanceOf(IllegalStateException.class);
    }
}
