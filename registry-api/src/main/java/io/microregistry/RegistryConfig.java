package io.microregistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * How to reach and authenticate to a backend; what a {@link RegistryProvider} is given. Build
 * with {@link #builder()} or the {@code with*} copies; fields will be added without breaking
 * callers (this was a record; its constructor and accessors stay).
 *
 * <p>Immutable and thread-safe. Optional settings are null when unset. {@code addresses} empty
 * means "the backend's usual local address". {@link #settings()} holds what only one backend
 * understands (keys like {@code consul.datacenter}, from {@code MICRO_REGISTRY_CONSUL_DATACENTER}),
 * so a new backend needs no new field here. {@link #toString()} never shows the password or token.
 */
public final class RegistryConfig {

    /** Default deadline of one backend call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The {@code MICRO_REGISTRY_*} suffixes that are fields, not backend {@link #settings()}. */
    private static final Set<String> FIELDS = Set.of("ADDRESS", "USERNAME", "PASSWORD", "TOKEN", "TLS_CA", "TLS_CERT",
            "TLS_KEY", "TIMEOUT", "NAMESPACE");

    private final List<String> addresses;
    private final String username;
    private final String password;
    private final String token;
    private final Path tlsCa;
    private final Path tlsCert;
    private final Path tlsKey;
    private final Duration timeout;
    private final Map<String, String> settings;
    private final String namespace;

    /**
     * @param addresses endpoints, {@code host:port} or {@code scheme://host:port}; null for none
     * @param username  user name (etcd user, ZooKeeper digest), or null
     * @param password  password, or null
     * @param token     access token (Consul ACL token), or null
     * @param tlsCa     CA certificate file (PEM) to trust, or null for plain text
     * @param tlsCert   client certificate file (PEM), or null
     * @param tlsKey    client private key file (PEM), or null
     * @param timeout   deadline for each backend call; positive; null for {@link #DEFAULT_TIMEOUT}
     */
    public RegistryConfig(List<String> addresses, String username, String password, String token,
                          Path tlsCa, Path tlsCert, Path tlsKey, Duration timeout) {
        this(addresses, username, password, token, tlsCa, tlsCert, tlsKey, timeout, Map.of(), null);
    }

    private RegistryConfig(List<String> addresses, String username, String password, String token,
                           Path tlsCa, Path tlsCert, Path tlsKey, Duration timeout, Map<String, String> settings,
                           String namespace) {
        this.addresses = addresses == null ? List.of() : addresses.stream()
                .map(String::trim).filter(a -> !a.isEmpty()).toList();
        this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (this.timeout.isNegative() || this.timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tlsCert and tlsKey must be given together");
        }
        this.username = username;
        this.password = password;
        this.token = token;
        this.tlsCa = tlsCa;
        this.tlsCert = tlsCert;
        this.tlsKey = tlsKey;
        TreeMap<String, String> copy = new TreeMap<>();
        settings.forEach((key, value) -> copy.put(checkKey(key), Objects.requireNonNull(value, "setting " + key)));
        this.settings = java.util.Collections.unmodifiableMap(copy);
        this.namespace = namespace == null ? null : checkNamespace(namespace);
    }

    /** A path of plain segments: what etcd keys and ZooKeeper paths can both hold unchanged. */
    private static String checkNamespace(String namespace) {
        if (!namespace.matches("(/[A-Za-z0-9_.-]+)+") || namespace.matches(".*/\\.{1,2}(/.*)?")) {
            throw new IllegalArgumentException("namespace must be a path of one or more /segments of letters, digits,"
                    + " '.', '_' or '-' (not '.' or '..'), without a trailing '/', like /micro/registry; was '"
                    + namespace + "'");
        }
        return namespace;
    }

    private static String checkKey(String key) {
        if (key == null || !key.matches("[a-z0-9]+(\\.[a-z0-9]+)+")) {
            throw new IllegalArgumentException("setting key must look like <backend>.<name> in lower case "
                    + "(e.g. consul.datacenter), was '" + key + "'");
        }
        return key;
    }

    public List<String> addresses() {
        return addresses;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String token() {
        return token;
    }

    public Path tlsCa() {
        return tlsCa;
    }

    public Path tlsCert() {
        return tlsCert;
    }

    public Path tlsKey() {
        return tlsKey;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Backend-specific settings, keyed {@code <backend>.<name>} in lower case, sorted; from the
     * environment, {@code MICRO_REGISTRY_<BACKEND>_<NAME>} (or property
     * {@code micro.registry.<backend>.<name>}) becomes {@code <backend>.<name>}. A backend reads
     * its own keys and ignores the rest.
     */
    public Map<String, String> settings() {
        return settings;
    }

    /** One {@link #settings() setting}, if set. */
    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** One {@link #settings() setting} read as a duration ({@link Durations}), if set. */
    public Optional<Duration> durationSetting(String key) {
        return setting(key).map(v -> Durations.parse(key, v));
    }

    /** A copy with one more (or a replaced) backend setting. */
    public RegistryConfig withSetting(String key, String value) {
        Map<String, String> next = new LinkedHashMap<>(settings);
        next.put(key, value);
        return new RegistryConfig(addresses, username, password, token, tlsCa, tlsCert, tlsKey, timeout, next,
                namespace);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
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
        return new RegistryConfig(newAddresses, username, password, token, tlsCa, tlsCert, tlsKey, timeout, settings,
                namespace);
    }

    public RegistryConfig withCredentials(String newUsername, String newPassword) {
        return new RegistryConfig(addresses, newUsername, newPassword, token, tlsCa, tlsCert, tlsKey, timeout, settings,
                namespace);
    }

    public RegistryConfig withToken(String newToken) {
        return new RegistryConfig(addresses, username, password, newToken, tlsCa, tlsCert, tlsKey, timeout, settings,
                namespace);
    }

    public RegistryConfig withTls(Path ca, Path cert, Path key) {
        return new RegistryConfig(addresses, username, password, token, ca, cert, key, timeout, settings, namespace);
    }

    public RegistryConfig withTimeout(Duration newTimeout) {
        return new RegistryConfig(addresses, username, password, token, tlsCa, tlsCert, tlsKey, newTimeout, settings,
                namespace);
    }

    /**
     * The key root this client's registrations live under, if set (from {@code MICRO_REGISTRY_NAMESPACE});
     * empty means the backend's go-micro default ({@code /micro/registry} on etcd and ZooKeeper). Two
     * clients with different namespaces on one server do not see each other. A backend whose layout
     * has no key root (Consul's catalog) refuses a namespace when opened.
     */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    /** A copy with this key root; null for the backend's default. */
    public RegistryConfig withNamespace(String newNamespace) {
        return new RegistryConfig(addresses, username, password, token, tlsCa, tlsCert, tlsKey, timeout, settings,
                newNamespace);
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
        Map<String, String> settings = new LinkedHashMap<>();
        env.forEach((name, value) -> backendSetting(name, "MICRO_REGISTRY_", "_", value, settings));
        properties.stringPropertyNames().forEach(name ->
                backendSetting(name, "micro.registry.", ".", properties.getProperty(name), settings));
        return new RegistryConfig(
                address == null ? List.of() : Arrays.asList(address.split(",")),
                read.apply("USERNAME"),
                read.apply("PASSWORD"),
                read.apply("TOKEN"),
                path(read.apply("TLS_CA")),
                path(read.apply("TLS_CERT")),
                path(read.apply("TLS_KEY")),
                duration(read.apply("TIMEOUT")),
                settings,
                read.apply("NAMESPACE"));
    }

    /** {@code MICRO_REGISTRY_CONSUL_DATACENTER} (or its property) to {@code consul.datacenter}; fields skipped. */
    private static void backendSetting(String name, String prefix, String separator, String value,
                                       Map<String, String> settings) {
        if (!name.startsWith(prefix) || value == null || value.isBlank()) {
            return;
        }
        String suffix = name.substring(prefix.length());
        String field = suffix.toUpperCase(Locale.ROOT).replace('.', '_');
        if (FIELDS.contains(field) || !suffix.contains(separator)) {
            return;
        }
        String key = suffix.toLowerCase(Locale.ROOT).replace('_', '.');
        if (key.matches("[a-z0-9]+(\\.[a-z0-9]+)+")) {
            // A property (set by the JVM's owner) wins over the environment, as for the fields.
            if (separator.equals(".") || !settings.containsKey(key)) {
                settings.put(key, value.trim());
            }
        }
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    /** {@code MICRO_REGISTRY_TIMEOUT}, in the {@link Durations} syntax; the default when unset. */
    static Duration duration(String value) {
        return value == null ? DEFAULT_TIMEOUT : Durations.parse("MICRO_REGISTRY_TIMEOUT", value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegistryConfig other && addresses.equals(other.addresses)
                && Objects.equals(username, other.username) && Objects.equals(password, other.password)
                && Objects.equals(token, other.token) && Objects.equals(tlsCa, other.tlsCa)
                && Objects.equals(tlsCert, other.tlsCert) && Objects.equals(tlsKey, other.tlsKey)
                && timeout.equals(other.timeout) && settings.equals(other.settings)
                && Objects.equals(namespace, other.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(addresses, username, password, token, tlsCa, tlsCert, tlsKey, timeout, settings, namespace);
    }

    @Override
    public String toString() {
        return "RegistryConfig[addresses=" + addresses + ", username=" + username
                + ", password=" + (password == null ? null : "****") + ", token=" + (token == null ? null : "****")
                + ", tlsCa=" + tlsCa + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", timeout=" + timeout
                + ", settings=" + settings + ", namespace=" + namespace + "]";
    }

    /** Builds a {@link RegistryConfig}; not thread-safe. {@link #build()} checks the rules. */
    public static final class Builder {
        private List<String> addresses;
        private String username;
        private String password;
        private String token;
        private Path tlsCa;
        private Path tlsCert;
        private Path tlsKey;
        private Duration timeout;
        private final Map<String, String> settings;
        private String namespace;

        private Builder(RegistryConfig from) {
            addresses = from.addresses;
            username = from.username;
            password = from.password;
            token = from.token;
            tlsCa = from.tlsCa;
            tlsCert = from.tlsCert;
            tlsKey = from.tlsKey;
            timeout = from.timeout;
            settings = new LinkedHashMap<>(from.settings);
            namespace = from.namespace;
        }

        public Builder addresses(List<String> value) {
            addresses = value;
            return this;
        }

        public Builder addresses(String... value) {
            return addresses(List.of(value));
        }

        public Builder credentials(String user, String pass) {
            username = user;
            password = pass;
            return this;
        }

        public Builder token(String value) {
            token = value;
            return this;
        }

        public Builder tls(Path ca, Path cert, Path key) {
            tlsCa = ca;
            tlsCert = cert;
            tlsKey = key;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        /** A backend setting, key {@code <backend>.<name>} in lower case. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** The key root, like {@code /team-a/registry}; null for the default. See {@link RegistryConfig#namespace()}. */
        public Builder namespace(String value) {
            namespace = value;
            return this;
        }

        public RegistryConfig build() {
            return new RegistryConfig(addresses, username, password, token, tlsCa, tlsCert, tlsKey, timeout, settings,
                    namespace);
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
