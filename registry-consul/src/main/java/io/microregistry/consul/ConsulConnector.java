package io.microregistry.consul;

import com.google.common.net.HostAndPort;
import io.microregistry.RegistryConfig;
import org.kiwiproject.consul.Consul;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * How to reach the Consul agent, worked out once from a {@link RegistryConfig}: addresses,
 * scheme, ACL token (sent as the {@code X-Consul-Token} header, never in the URL), TLS and
 * the per-call timeout. Opens as many independent clients as the registry needs (one for
 * requests and keep-alive, one per watcher so stopping a watcher can cancel its blocking query).
 *
 * <p>Immutable and thread-safe. Construction validates the configuration and throws
 * {@link IllegalArgumentException} for a bad address or unusable TLS files.
 */
final class ConsulConnector {
    /** Consul's usual local HTTP address. */
    static final String DEFAULT_ADDRESS = "127.0.0.1:8500";
    private static final int DEFAULT_HTTP_PORT = 8500;
    private static final int DEFAULT_HTTPS_PORT = 8501;
    private static final String FORM = "address must be host:port, http://host:port or https://host:port";

    private final RegistryConfig config;
    private final List<HostAndPort> agents;
    private final boolean https;
    private final PemTls tls;

    ConsulConnector(RegistryConfig config) {
        this.config = config;
        List<String> addresses = config.addresses().isEmpty() ? List.of(DEFAULT_ADDRESS) : config.addresses();
        boolean anyHttps = config.tls();
        List<HostAndPort> parsed = new ArrayList<>();
        for (String address : addresses) {
            String rest = address;
            String lower = address.toLowerCase(Locale.ROOT);
            if (lower.startsWith("https://")) {
                anyHttps = true;
                rest = address.substring("https://".length());
            } else if (lower.startsWith("http://")) {
                rest = address.substring("http://".length());
            } else if (lower.contains("://")) {
                throw new IllegalArgumentException(FORM + ", was '"
                        + address + "'");
            }
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            try {
                HostAndPort hp = HostAndPort.fromString(rest);
                if (hp.getHost().isEmpty()) {
                    throw new IllegalArgumentException("empty host");
                }
                parsed.add(hp);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(FORM + ", was '"
                        + address + "': " + e.getMessage(), e);
            }
        }
        this.https = anyHttps;
        int defaultPort = anyHttps ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT;
        this.agents = parsed.stream().map(hp -> hp.withDefaultPort(defaultPort)).toList();
        this.tls = config.tls() ? PemTls.load(config.tlsCa(), config.tlsCert(), config.tlsKey()) : null;
    }

    /** The agent address(es), for messages. */
    String describe() {
        String list = String.join(",", agents.stream().map(HostAndPort::toString).toList());
        return (https ? "https://" : "http://") + list;
    }

    /** The deadline of each agent call. */
    Duration timeout() {
        return config.timeout();
    }

    /** Whether an ACL token is configured. */
    boolean hasToken() {
        return config.token() != null;
    }

    /**
     * A plain HTTP client for the calls the Consul client does not offer (see {@link NodeDump}),
     * with the same TLS and timeouts; reads may block up to {@code readTimeout}. Talks to the
     * first configured agent. {@code executor} runs OkHttp's dispatcher; the caller shuts it down.
     */
    okhttp3.OkHttpClient http(ExecutorService executor, Duration readTimeout) {
        long timeout = config.timeout().toMillis();
        okhttp3.OkHttpClient.Builder builder = new okhttp3.OkHttpClient.Builder()
                .dispatcher(new okhttp3.Dispatcher(executor))
                .connectTimeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS)
                .writeTimeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (tls != null) {
            builder.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
        }
        return builder.build();
    }

    /** The base URL of the first configured agent. */
    okhttp3.HttpUrl baseUrl() {
        HostAndPort agent = agents.get(0);
        return new okhttp3.HttpUrl.Builder().scheme(https ? "https" : "http").host(agent.getHost())
                .port(agent.getPort()).build();
    }

    /** The configured ACL token, or null. */
    String token() {
        return config.token();
    }

    /**
     * A new client. {@code executor} runs the client's asynchronous calls and is shut down by
     * {@link Consul#destroy()}, which also cancels every call in flight.
     */
    Consul open(ExecutorService executor) {
        long timeout = config.timeout().toMillis();
        Consul.Builder builder = Consul.builder()
                .withPing(false)
                .withHttps(https)
                .withConnectTimeoutMillis(timeout)
                .withReadTimeoutMillis(timeout)
                .withWriteTimeoutMillis(timeout)
                .withExecutorService(executor);
        if (agents.size() == 1) {
            builder.withHostAndPort(agents.get(0));
        } else {
            // A failed agent is skipped for one timeout period, then tried again.
            builder.withMultipleHostAndPort(agents, config.timeout());
        }
        if (config.token() != null) {
            builder.withTokenAuth(config.token());
        }
        if (tls != null) {
            builder.withSslContext(tls.context()).withTrustManager(tls.trustManager());
        }
        return builder.build();
    }
}
