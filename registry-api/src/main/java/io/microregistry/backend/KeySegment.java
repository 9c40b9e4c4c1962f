package io.microregistry.backend;

/**
 * A service name or node id as one segment of a key or path, the way go-micro writes it:
 * every {@code /} becomes {@code -}. Different names can share a segment ({@code a/b} and
 * {@code a-b}), so readers must compare the decoded record's name with the one asked for.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeySegment {
    private KeySegment() {
    }

    /** The segment for {@code name}. */
    public static String of(String name) {
        return name.replace('/', '-');
    }
}
