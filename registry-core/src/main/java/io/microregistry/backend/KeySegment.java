package io.microregistry.backend;

import java.nio.charset.StandardCharsets;

/**
 * A service name or node id as one segment of a key or path.
 *
 * <p>go-micro writes a segment by replacing every {@code /} with {@code -}. That loses
 * registrations: {@code a/b} and {@code a-b}, each with a node {@code n1}, land on the same
 * key and overwrite each other. {@link #of} therefore keeps go-micro's segment for every
 * name go-micro itself would write unambiguously (no {@code /}: the usual
 * {@code go.micro.srv.greeter}) and percent-encodes the rest, which makes it injective: two
 * different names never share a segment. The encoded characters are {@code %}, {@code /},
 * the characters ZooKeeper forbids in a path (U+D800..U+F8FF, U+FFF0..U+FFFF, which includes
 * every surrogate pair) and the whole names {@code .} and {@code ..}. A lone surrogate, which
 * {@link io.microregistry.RegistrationRules} refuses anyway, is encoded as its own
 * three WTF-8 bytes rather than the {@code ?} Java would substitute, so it cannot collide.
 *
 * <p>Readers looking up a name containing {@code /} should also read
 * {@link #goMicro(String)}'s segment, where go-micro services put such names, and keep only
 * records whose decoded name equals the name asked for.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeySegment {
    private KeySegment() {
    }

    /** The segment this library writes for {@code name}: injective, go-micro's form where possible. */
    public static String of(String name) {
        if (name.equals(".") || name.equals("..")) {
            return name.replace(".", "%2E");
        }
        if (!needsEncoding(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 16);
        name.codePoints().forEach(cp -> {
            if (cp == '%' || cp == '/' || forbiddenInZookeeper(cp)) {
                for (byte b : utf8(cp)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** The segment go-micro writes for {@code name}: every {@code /} replaced by {@code -}. */
    public static String goMicro(String name) {
        return name.replace('/', '-');
    }

    /**
     * The UTF-8 bytes of one code point. A lone surrogate, which {@link String#getBytes} would
     * turn into {@code ?} (so that {@code x\uD800} and {@code x\uDBFF} shared a segment), gets
     * its own three bytes as in WTF-8: the encoding stays injective even for strings the
     * registration rules refuse, such as a foreign record's name.
     */
    private static byte[] utf8(int cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            return new byte[] {(byte) (0xE0 | (cp >> 12)), (byte) (0x80 | ((cp >> 6) & 0x3F)),
                    (byte) (0x80 | (cp & 0x3F))};
        }
        return new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean needsEncoding(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' || c == '/' || forbiddenInZookeeper(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean forbiddenInZookeeper(int cp) {
        return (cp >= 0xD800 && cp <= 0xF8FF) || (cp >= 0xFFF0 && cp <= 0xFFFF) || cp > 0xFFFF;
    }
}
