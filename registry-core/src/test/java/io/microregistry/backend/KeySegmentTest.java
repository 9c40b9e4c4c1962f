package io.microregistry.backend;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KeySegmentTest {

    @Test
    void namesGoMicroWritesUnambiguouslyAreUnchanged() {
        for (String name : List.of("go.micro.srv.greeter", "a-b", "greeter_v2", "ünïcødé 日本", "a:b@c")) {
            assertThat(KeySegment.of(name)).isEqualTo(name).isEqualTo(KeySegment.goMicro(name));
        }
    }

    @Test
    void differentNamesNeverShareASegment() {
        List<String> names = List.of("a", "a/b", "a-b", "a%2Fb", "a%252Fb", "a.b", ".", "..", "%2E", "a/b/c",
                "a-b-c", "a/b-c", "🚀", "%F0%9F%9A%80", "\uFFF5x", "%EF%BF%B5x", "%", "%25");
        Set<String> segments = new HashSet<>();
        for (String name : names) {
            assertThat(segments.add(KeySegment.of(name))).as("segment of %s is unique", name).isTrue();
        }
    }

    @Test
    void segmentsAreSafeAsOnePathElement() {
        for (String name : List.of("a/b", ".", "..", "🚀", "x\uD800y")) {
            String segment = KeySegment.of(name);
            assertThat(segment).doesNotContain("/").isNotIn(".", "..");
            assertThat(segment.chars()).noneMatch(c -> c >= 0xD800 && c <= 0xF8FF);
        }
        assertThat(KeySegment.of("a/b")).isEqualTo("a%2Fb");
        assertThat(KeySegment.goMicro("a/b")).isEqualTo("a-b");
    }

    @Test
    void aGeneratedSetOfNastyNamesNeverCollides() {
        String[] parts = {"a", "A", "/", "//", ".", "..", "../x", "%", "%2F", "%25", "-", "?", "*", "\\", "\"", "'",
            "\uD83D\uDE80", "e\u0301", "\u00E9", "\u202E", "\u200B", "\uFFFE", "\uE000", "\u05D0", " ", "\uD800",
            "\uDBFF", "\uDC00", "?"};
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        java.util.Random random = new java.util.Random(15);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder name = new StringBuilder();
            int n = 1 + random.nextInt(4);
            for (int j = 0; j < n; j++) {
                name.append(parts[random.nextInt(parts.length)]);
            }
            String s = name.toString();
            String previous = seen.putIfAbsent(KeySegment.of(s), s);
            assertThat(previous == null || previous.equals(s))
                    .as("%s and %s share segment %s", previous, s, KeySegment.of(s)).isTrue();
        }
    }
}
