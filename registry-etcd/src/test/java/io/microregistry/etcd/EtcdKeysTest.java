package io.microregistry.etcd;

import io.microregistry.RegistrationRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The etcd layout is injective: two different accepted (service, node id) pairs never share a key. */
@Timeout(30)
class EtcdKeysTest {

    private static final List<String> PIECES = List.of("a", "A", "/", "//", ".", "..", "../x", "%", "%2F", "%25",
            "-", "?", "*", "\\", "\"", "'", "\uD83D\uDE80", "e\u0301", "\u00E9", "\uE000", "\u05D0", " ", "x?",
            "a-b", "a/b", "Node-1", "node-1", ":", "@");

    private static String generated(Random random) {
        StringBuilder out = new StringBuilder();
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            out.append(PIECES.get(random.nextInt(PIECES.size())));
        }
        return out.toString();
    }

    @Test
    void generatedNamesAndIdsNeverShareAKey() {
        Random random = new Random(15);
        Map<String, String> owners = new HashMap<>();
        int checked = 0;
        for (int i = 0; i < 100_000; i++) {
            String name = generated(random);
            String id = generated(random);
            if (!RegistrationRules.isAcceptedName(name) || !RegistrationRules.isAcceptedName(id)) {
                continue;
            }
            checked++;
            String pair = name + "\u0000" + id;
            String previous = owners.putIfAbsent(EtcdKeys.DEFAULT.node(name, id), pair);
            assertThat(previous == null || previous.equals(pair))
                    .as("%s and %s share key %s", previous, pair, EtcdKeys.DEFAULT.node(name, id)).isTrue();
            assertThat(EtcdKeys.DEFAULT.node(name, id)).startsWith(EtcdKeys.ROOT)
                    .satisfies(key -> assertThat(key.substring(EtcdKeys.ROOT.length()).split("/", -1)).hasSize(2));
        }
        assertThat(checked).isGreaterThan(50_000);
    }
}
