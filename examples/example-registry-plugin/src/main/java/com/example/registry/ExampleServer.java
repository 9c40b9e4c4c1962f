package com.example.registry;

import io.microregistry.backend.DaemonThreads;
import io.microregistry.memory.MemoryStore;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The example's "server": it runs inside the JVM, as many test servers do (ZooKeeper's
 * TestingServer, an embedded broker), keeps its records in registry-api's {@link MemoryStore},
 * and has a housekeeping thread of its own, named {@value #THREAD_PREFIX}..., that lives as
 * long as the server, not as long as any client. That thread is why the TCK fixture lists the
 * prefix in {@code sharedThreadPrefixes()}.
 *
 * <p>Thread-safe. {@link #close()} stops the server and every client of it.
 */
public final class ExampleServer implements AutoCloseable {

    /** Name prefix of the server's own threads. */
    public static final String THREAD_PREFIX = "example-server-";

    private final MemoryStore store = new MemoryStore();
    private final ScheduledExecutorService housekeeping =
            Executors.newSingleThreadScheduledExecutor(new DaemonThreads(THREAD_PREFIX + "housekeeping"));
    private final AtomicLong ticks = new AtomicLong();

    /** Starts a server. */
    public ExampleServer() {
        housekeeping.scheduleAtFixedRate(ticks::incrementAndGet, 1, 1, TimeUnit.SECONDS);
    }

    /** A new client of this server. */
    public ExampleRegistry connect() {
        return new ExampleRegistry(store.client(), () -> { });
    }

    /** A client that owns this server: closing the client stops the server too. */
    ExampleRegistry connectOwning() {
        return new ExampleRegistry(store.client(), this::close);
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        store.close();
    }
}
