package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigKeys;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** get / put / list / delete, and every kind of key and value a backend must carry exactly. */
public abstract class CrudContract extends ConfigContract {

    protected CrudContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void putThenGetRoundTripsOnAnotherClient() {
        Config writer = client();
        Config reader = client();
        writer.put(key("db/url"), "jdbc:postgresql://db:5432/app");
        await().untilAsserted(() -> assertThat(reader.get(key("db/url")).map(ConfigEntry::text))
                .contains("jdbc:postgresql://db:5432/app"));
        ConfigEntry entry = reader.get(key("db/url")).orElseThrow();
        assertThat(entry.key()).isEqualTo(key("db/url"));
        assertThat(reader.get(key("db/missing"))).isEmpty();
    }

    @Test
    void unicodeEmptyBinaryAndLargestValuesRoundTripExactly() {
        Config client = client();
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        byte[] largest = new byte[ConfigKeys.MAX_VALUE_BYTES];
        for (int i = 0; i < largest.length; i++) {
            largest[i] = (byte) (i * 31 + 7);
        }
        Map<String, byte[]> values = Map.of(
                key("unicode/grüße/日本語/emoji-😀/a b,c=d?e#f%g&h+i"), utf8("Grüße, 世界 😀 — ½"),
                key("empty"), new byte[0],
                key("binary"), binary,
                key("largest"), largest);
        values.forEach(client::put);
        values.forEach((k, v) -> {
            Optional<ConfigEntry> got = client.get(k);
            assertThat(got).as("entry %s", k).isPresent();
            assertThat(got.get().key()).isEqualTo(k);
            assertThat(Arrays.equals(got.get().value(), v)).as("value of %s round-trips byte for byte", k).isTrue();
        });
        assertThat(client.get(key("unicode/grüße/日本語/emoji-😀/a b,c=d?e#f%g&h+i")).orElseThrow().text())
                .isEqualTo("Grüße, 世界 😀 — ½");
        assertThat(client.list(root()).stream().map(ConfigEntry::key))
                .containsExactlyInAnyOrderElementsOf(values.keySet());
    }

    @Test
    void putReplacesAndMovesTheVersionForward() {
        Config client = client();
        client.put(key("flag"), "on");
        ConfigEntry first = client.get(key("flag")).orElseThrow();
        client.put(key("flag"), "off");
        ConfigEntry second = client.get(key("flag")).orElseThrow();
        assertThat(second.text()).isEqualTo("off");
        assertThat(second.version()).isNotEqualTo(first.version());
        assertThat(second.revision()).isGreaterThan(first.revision());
    }

    @Test
    void deleteRemovesOnlyThatKey() {
        Config client = client();
        client.put(key("a/b"), "parent");
        client.put(key("a/b/c"), "child");
        client.put(key("a/bc"), "lookalike");
        assertThat(client.delete(key("a/b"))).isTrue();
        assertThat(client.get(key("a/b"))).isEmpty();
        assertThat(client.get(key("a/b/c")).map(ConfigEntry::text)).contains("child");
        assertThat(client.get(key("a/bc")).map(ConfigEntry::text)).contains("lookalike");
        assertThat(client.delete(key("a/b"))).as("deleting what is gone").isFalse();
        assertThat(client.delete(key("never"))).isFalse();
    }

    @Test
    void listReturnsEverythingUnderThePrefixSortedByKey() {
        Config client = client();
        for (int i = 0; i < 30; i++) {
            client.put(key(String.format("svc/k%02d", i)), "v" + i);
        }
        client.put(key("svc/deep/er/key"), "deep");
        List<ConfigEntry> listed = client.list(key("svc"));
        assertThat(listed).hasSize(31);
        assertThat(listed).isSortedAccordingTo(java.util.Comparator.comparing(ConfigEntry::key));
        assertThat(listed.get(0).text()).isEqualTo("deep");
        assertThat(listed.get(1).text()).isEqualTo("v0");
        assertThat(client.list(key("svc/"))).isEqualTo(listed);
        assertThat(client.list(key("nothing-here"))).isEmpty();
    }

    @Test
    void typedReadsParseOrFallBackButNeverHideAMalformedValue() {
        Config client = client();
        client.put(key("port"), " 8080 ");
        client.put(key("big"), "9000000000");
        client.put(key("enabled"), "TRUE");
        client.put(key("timeout"), "250ms");
        client.put(key("retry"), "PT2S");
        client.put(key("json"), "{\"host\":\"db\",\"port\":5432}");
        client.put(key("bad"), "eighty");
        assertThat(client.getInt(key("port"), 1)).isEqualTo(8080);
        assertThat(client.getLong(key("big"), 1)).isEqualTo(9_000_000_000L);
        assertThat(client.getBoolean(key("enabled"), false)).isTrue();
        assertThat(client.getDuration(key("timeout"), Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(client.getDuration(key("retry"), Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
        assertThat(client.getString(key("missing"), "dflt")).isEqualTo("dflt");
        assertThat(client.getInt(key("missing"), 7)).isEqualTo(7);
        assertThat(client.getJson(key("json"), Endpoint.class)).contains(new Endpoint("db", 5432));
        assertThatThrownBy(() -> client.getInt(key("bad"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key("bad")).hasMessageContaining("int");
        assertThatThrownBy(() -> client.getBoolean(key("bad"), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.getJson(key("bad"), Endpoint.class)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A JSON-bound value. */
    public record Endpoint(String host, int port) {
    }
}
