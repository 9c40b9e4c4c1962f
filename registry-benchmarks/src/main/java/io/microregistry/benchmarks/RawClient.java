package io.microregistry.benchmarks;

import io.microregistry.Service;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A backend's own client library doing what the registry does, the floor the registry is
 * compared with: write one node's record in the registry's layout, the same way the registry
 * writes it (lease, ephemeral node, agent service with a TTL check), and watch a service's
 * records appear the way that library watches (jetcd watch, Curator cache, Consul blocking query).
 *
 * <p>Not thread-safe apart from the watch callback, which runs on the library's thread.
 */
interface RawClient extends AutoCloseable {

    /** Writes the record of {@code service}'s one node, kept alive for {@code ttl}. Blocks until durable. */
    void register(Service service, Duration ttl) throws Exception;

    /**
     * Starts watching {@code serviceName}; {@code created} receives the id of each node that appears,
     * on the library's thread. Returns once the watch is established, with the action that stops it.
     */
    Runnable watch(String serviceName, Consumer<String> created) throws Exception;

    /** Releases the client; best effort, never throws. */
    @Override
    void close();
}
