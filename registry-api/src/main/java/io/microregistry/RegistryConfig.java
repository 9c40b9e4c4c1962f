package io.microregistry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * How to reach and authenticate to a backend; what a {@link RegistryProvider} is given.
 *
 * <p>Immutable. Optional settings are null when unset. {@code addresses} empty means "the
 * backend's usual local address".
 *
 * @param addresses endpoints, {@code host:port} or {@code scheme://host:port}; never null
 * @param username  user name (etcd user, ZooKeeper digest), or null
 * @param password  password, or null
 * @param token     access token (Consul ACL token), or null
 * @param tlsCa     CA certificate file (PEM) to trust, or null for plain text
 * @param tlsCert   client certificate file (PEM), or null
 * @param tlsKey    client private key file (PEM), or null
 * @param timeout   deadline for each backend call; positive
 */
public record RegistryConfig(List<String> addresses, String username, String password, String token,
                             Path tlsCa, Path tlsCert, Path tlsKey, Duration timeout) {

    /** Default deadline of one backend call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public RegistryConfig {
        addresses = addresses == null ? List.of() : addresses.stream()
                .map(String::trim).filter(a -> !a.isEmpty()).toList();
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tlsCert and tlsKey must be given together");
        }
    }

    /** No addresses, no credentials, no TLS, the default timeout. */
    public static RegistryConfig defaults() {
        return new RegistryConfig(List.of(), null, null, null, null, null, null, DEFAULT_TIMEOUT);
    }

    /** Defaults with these addresses. */
    public static RegistryConfig of(String... addresses) {
        return defaults().withAddresses(List.of(addresses));
    }

    public RegistryConfig withAddresses(List<String> newAddresses) {
        return new RegistryConfig(newAddresses, username, password, token, tlsCa, tlsCert, tlsKey, timeout);
    }

    public RegistryConfig withCredentials(String newUsername, String newPassword) {
        return new RegistryConfig(addresses, newUsername, newPassword, token, tlsCa, tlsCert, tlsKey, timeout);
    }

    public RegistryConfig withToken(String newToken) {
        return new RegistryConfig(addresses, username, password, newToken, tlsCa, tlsCert, tlsKey, timeout);
    }

    public RegistryConfig withTls(Path ca, Path cert, Path key) {
        return new RegistryConfig(addresses, username, password, token, ca, cert, key, timeout);
    }

    public RegistryConfig withTimeout(Duration newTimeout) {
        return new RegistryConfig(addresses, username, password, token, tlsCa, tlsCert, tlsKey, newTimeout);
    }

    /** Whether TLS is configured. */
    public boolean tls() {
        return tlsCa != null || tlsCert != null;
    }

    /**
     * Reads the {@code MICRO_REGISTRY_*} variables, each overridden by its system property
     * ({@code MICRO_REGISTRY_ADDRESS} by {@code micro.registry.address}, and so on).
     */
    public static RegistryConfig fromEnvironment(Map<String, String> env, Properties properties) {
        UnaryOperator<String> read = suffix -> Setting.read(env, properties, suffix);
        String address = read.apply("ADDRESS");
        return new RegistryConfig(
                address == null ? List.of() : Arrays.asList(address.split(",")),
                read.apply("USERNAME"),
                read.apply("PASSWORD"),
                read.apply("TOKEN"),
                path(read.apply("TLS_CA")),
                path(read.apply("TLS_CERT")),
                path(read.apply("TLS_KEY")),
                duration(read.apply("TIMEOUT")));
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    /** Accepts {@code 500ms}, {@code 5s}, {@code 1m} or ISO-8601 ({@code PT5S}). */
    static Duration duration(String value) {
        if (value == null) {
            return DEFAULT_TIMEOUT;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s") && !v.startsWith("p")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m") && !v.startsWith("p")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.parse(value.trim());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("MICRO_REGISTRY_TIMEOUT must look like 500ms, 5s, 1m or PT5S, was '"
                    + value + "'", e);
        }
    }

    /** One {@code MICRO_REGISTRY_*} setting and its system-property mirror. */
    static final class Setting {
        private Setting() {
        }

        /** {@code suffix} null reads {@code MICRO_REGISTRY} itself. Blank counts as unset. */
        static String read(Map<String, String> env, Properties properties, String suffix) {
            String envName = suffix == null ? "MICRO_REGISTRY" : "MICRO_REGISTRY_" + suffix;
            String property = envName.toLowerCase(Locale.ROOT).replace('_', '.');
            String value = properties.getProperty(property);
            if (value == null || value.isBlank()) {
                value = env.get(envName);
            }
            return value == null || value.isBlank() ? null : value.trim();
        }
    }
}
