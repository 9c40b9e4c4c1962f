package io.microregistry.backend;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread factory for a client's background work (keep-alive, watch, expiry): daemon
 * threads, so a forgotten client never keeps the JVM alive, named {@code prefix-N} so a
 * thread dump says whose they are.
 *
 * <p>Thread-safe.
 */
public final class DaemonThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    public DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
