package io.microregistry.consul;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryProvider;
import io.microregistry.backend.StoreRegistry;

/**
 * The {@code consul} provider: a registry on a Consul agent, go-micro compatible: the core
 * {@link StoreRegistry} over a {@link ConsulStore}, whose javadoc holds the Consul layout and liveness.
 *
 * <p>Configuration: addresses are agent HTTP addresses ({@code host:port},
 * {@code http://host:port} or {@code https://host:port}; default {@code 127.0.0.1:8500});
 * {@code token} is the ACL token, sent as the {@code X-Consul-Token} header; the TLS files
 * switch to HTTPS (PEM CA, client certificate and key); {@code timeout} bounds each agent call.
 * Username and password are not used.
 *
 * <p>Stateless and thread-safe. {@link #open} does not contact the agent: an unreachable agent
 * or a refused token surfaces on the first call, as a
 * {@link io.microregistry.RegistryUnavailableException} or
 * {@link io.microregistry.RegistryAuthenticationException}. A malformed address or unreadable
 * TLS file is an {@link IllegalArgumentException} at once, and so is a
 * {@link RegistryConfig#namespace() namespace}: Consul's catalog has no key root to put it in.
 */
public final class ConsulRegistryProvider implements RegistryProvider {

    /** The provider name, as {@code MICRO_REGISTRY} selects it. */
    public static final String NAME = "consul";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Registry open(RegistryConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (config.namespace().isPresent()) {
            throw new IllegalArgumentException("namespace: Consul's catalog has no key root, so a namespace ('"
                    + config.namespace().get() + "') cannot be honoured; use a Consul datacenter or a separate agent");
        }
        return new StoreRegistry(new ConsulStore(new ConsulConnector(config)));
    }
}
