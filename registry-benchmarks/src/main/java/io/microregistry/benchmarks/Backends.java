package io.microregistry.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Starts a backend's server by provider name. */
final class Backends {

    /**
     * Starts etcd, Consul and ZooKeeper with the backend modules' own test fixtures. It is compiled
     * (from {@code src/backends/java}) only in the {@code benchmarks} profile, which puts their
     * test-jars on the class path, so that a plain build of this module needs no backend; hence the
     * look-up by name.
     */
    private static final String SERVER_BACKENDS = Backends.class.getPackageName() + ".ServerBackends";

    private Backends() {
    }

    static BackendUnderTest start(String name) throws Exception {
        return switch (name) {
            case "memory" -> new MemoryBackend();
            case "etcd", "consul", "zookeeper" -> startServer(name);
            default -> throw new IllegalArgumentException("backend must be one of " + BenchmarkReport.BACKENDS
                    + ", was '" + name + "'");
        };
    }

    private static BackendUnderTest startServer(String name) throws Exception {
        Method start;
        try {
            start = Class.forName(SERVER_BACKENDS).getDeclaredMethod("start", String.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("backend " + name + " needs the server fixtures, compiled only with "
                    + "-Pbenchmarks", e);
        }
        try {
            return (BackendUnderTest) start.invoke(null, name);
        } catch (InvocationTargetException e) {
            // The fixture's own failure (binary missing, server not healthy) is what the report must show.
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }
}
