package io.microregistry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.microregistry.RegistryConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How to reach etcd, read from a {@link RegistryConfig}: endpoints ({@code host:port} or
 * {@code http(s)://host:port}, default {@code 127.0.0.1:2379}), optional user and password,
 * optional TLS (CA to trust, client certificate and PKCS#8 key), and the per-call deadline.
 *
 * <p>Immutable and thread-safe. Building it checks the configuration and throws
 * {@link IllegalArgumentException} naming the setting at fault; it does not contact etcd.
 *
 * @param endpoints endpoint URIs, never empty
 * @param username  etcd user, or null
 * @param password  its password, or null (set together with {@code username})
 * @param tls       the TLS context, or null for plain text
 * @param timeout   deadline of each call
 */
record EtcdConnection(List<URI> endpoints, String username, String password, SslContext tls, Duration timeout) {

    /** Where etcd listens for clients by default. */
    static final String DEFAULT_ADDRESS = "127.0.0.1:2379";

    /** Reads and checks the configuration. */
    static EtcdConnection of(RegistryConfig config) {
        List<String> addresses = config.addresses().isEmpty() ? List.of(DEFAULT_ADDRESS) : config.addresses();
        boolean anyHttps = false;
        List<URI> endpoints = new ArrayList<>();
        for (String address : addresses) {
            URI uri = endpoint(address);
            anyHttps |= "https".equals(uri.getScheme());
            endpoints.add(uri);
        }
        if ((config.username() == null) != (config.password() == null)) {
            throw new IllegalArgumentException("username and password must be given together (etcd user "
                    + (config.username() == null ? "missing" : "'" + config.username() + "' has no password") + ")");
        }
        SslContext tls = config.tls() || anyHttps ? tls(config) : null;
        return new EtcdConnection(List.copyOf(endpoints), config.username(), config.password(), tls, config.timeout());
    }

    /** A jetcd client for this connection. Does not connect yet: jetcd connects on first use. */
    Client open() {
        ClientBuilder builder = Client.builder()
                .endpoints(endpoints.toArray(URI[]::new))
                .connectTimeout(timeout)
                .keepaliveTimeout(timeout)
                // Bound jetcd's own retries of a failed call by the same deadline.
                .retryMaxDuration(timeout)
                .interceptor(new CallDeadline(timeout));
        if (username != null) {
            builder.user(ByteSequence.from(username, StandardCharsets.UTF_8))
                    .password(ByteSequence.from(password, StandardCharsets.UTF_8));
        }
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    /** The endpoints for messages: {@code 127.0.0.1:2379,127.0.0.1:2381}. */
    String describe() {
        return String.join(",", endpoints.stream().map(u -> u.getHost() + ":" + u.getPort()).toList());
    }

    /** For logs and debuggers: never prints the password. */
    @Override
    public String toString() {
        return "EtcdConnection[" + describe() + (username == null ? "" : ", user " + username)
                + (tls == null ? "" : ", TLS") + ", timeout " + timeout + "]";
    }

    private static URI endpoint(String address) {
        String text = address.contains("://") ? address : "http://" + address;
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("address '" + address + "' must be host:port or http(s)://host:port");
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("address '" + address + "' must name a host and a port, as in "
                        + DEFAULT_ADDRESS);
            }
            return new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("address '" + address + "' is not host:port or http(s)://host:port", e);
        }
    }

    private static SslContext tls(RegistryConfig config) {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            if (config.tlsCa() != null) {
                builder.trustManager(readable(config.tlsCa(), "tlsCa").toFile());
            }
            if (config.tlsCert() != null) {
                builder.keyManager(readable(config.tlsCert(), "tlsCert").toFile(),
                        readable(config.tlsKey(), "tlsKey").toFile());
            }
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith("tls")) {
                throw iae;
            }
            throw new IllegalArgumentException("tlsCa/tlsCert/tlsKey: cannot build a TLS context from "
                    + config.tlsCa() + ", " + config.tlsCert() + ", " + config.tlsKey()
                    + " (PEM files; the key must be PKCS#8): " + e.getMessage(), e);
        }
    }

    private static Path readable(Path file, String field) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(field + " file " + file + " does not exist or is not readable");
        }
        return file;
    }
}
