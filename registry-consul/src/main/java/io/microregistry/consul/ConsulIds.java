package io.microregistry.consul;

import java.util.regex.Pattern;

/**
 * The injective mapping from service names and node ids to Consul service names and IDs.
 *
 * <p>Why: Consul matches service IDs case-insensitively in its catalog, the agent's HTTP server
 * cleans URL paths ({@code .}, {@code ..}, {@code //}) and the HTTP client refuses path
 * traversal, so a name or id used as it is can share a catalog entry with another one or be
 * read back as something else. Plain strings that none of this touches (what go-micro writes:
 * {@code go.micro.srv.greeter}, {@code team/api}, {@code greeter-3f2a...}) stay as they are, so
 * go-micro finds them; everything else is written in an encoded form that no plain string has:
 * {@code ~} followed by four lower-case hex digits per UTF-16 unit (so no string, not even one
 * with an unpaired surrogate, changes on the way), decoded back exactly on reading.
 *
 * <ul>
 *   <li>Consul name = the name if {@link #plainName}, else {@code ~hex(name)}.</li>
 *   <li>Consul ID = the node id if {@link #plainId} and no other service holds it on the agent,
 *       else {@link #qualified} {@code ~hex(nodeId)~hex(name)}, unique per (name, node id).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class ConsulIds {
    private static final String SEGMENT = "[A-Za-z0-9_-][A-Za-z0-9_.:-]*";
    private static final Pattern PLAIN_NAME = Pattern.compile(SEGMENT + "(/" + SEGMENT + ")*");
    /** Lower case only: Consul's catalog indexes IDs case-insensitively. */
    private static final Pattern PLAIN_ID = Pattern.compile("[a-z0-9_-][a-z0-9_.:-]*");
    private static final char MARK = '~';
    private static final int MAX_PLAIN = 256;

    private ConsulIds() {
    }

    static boolean plainName(String name) {
        return name.length() <= MAX_PLAIN && PLAIN_NAME.matcher(name).matches();
    }

    static boolean plainId(String nodeId) {
        return nodeId.length() <= MAX_PLAIN && PLAIN_ID.matcher(nodeId).matches();
    }

    /** The Consul service name of {@code name}; safe in a URL path. */
    static String consulName(String name) {
        return plainName(name) ? name : MARK + hex(name);
    }

    /** The name a Consul service name stands for, or null if it is an encoded form that does not decode. */
    static String name(String consulName) {
        if (consulName == null || consulName.isEmpty() || consulName.charAt(0) != MARK) {
            return consulName;
        }
        return unhex(consulName.substring(1));
    }

    /** Whether {@code consulName} can be put in a URL path as it is (ours always can). */
    static boolean addressable(String consulName) {
        return plainName(consulName) || (consulName.length() > 1 && consulName.charAt(0) == MARK
                && name(consulName) != null);
    }

    /** The Consul ID unique to node {@code nodeId} of service {@code name}; never a plain id. */
    static String qualified(String name, String nodeId) {
        return MARK + hex(nodeId) + MARK + hex(name);
    }

    /** {name, nodeId} of a {@link #qualified} ID, or null if {@code id} is not one. */
    static String[] parseQualified(String id) {
        if (id == null || id.length() < 2 || id.charAt(0) != MARK) {
            return null;
        }
        int second = id.indexOf(MARK, 1);
        if (second < 0) {
            return null;
        }
        String nodeId = unhex(id.substring(1, second));
        String name = unhex(id.substring(second + 1));
        return nodeId == null || name == null ? null : new String[] {name, nodeId};
    }

    private static String hex(String text) {
        StringBuilder out = new StringBuilder(text.length() * 4);
        for (int i = 0; i < text.length(); i++) {
            String digits = Integer.toHexString(text.charAt(i));
            out.append("0".repeat(4 - digits.length())).append(digits);
        }
        return out.toString();
    }

    private static String unhex(String hex) {
        if (hex.isEmpty() || hex.length() % 4 != 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(hex.length() / 4);
        for (int i = 0; i < hex.length(); i += 4) {
            int unit = 0;
            for (int j = i; j < i + 4; j++) {
                char c = hex.charAt(j);
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (digit < 0) {
                    return null;
                }
                unit = unit * 16 + digit;
            }
            out.append((char) unit);
        }
        return out.toString();
    }
}
