package io.microregistry.benchmarks;

/** Starts a backend's server by provider name. */
final class Backends {
    private Backends() {
    }

    static BackendUnderTest start(String name) throws Exception {
        return switch (name) {
            case "memory" -> new MemoryBackend();
            case "etcd" -> EtcdBackend.start();
            case "consul" -> ConsulBackend.start();
            case "zookeeper" -> ZookeeperBackend.start();
            default -> throw new IllegalArgumentException("backend must be one of " + BenchmarkReport.BACKENDS
                    + ", was '" + name + "'");
        };
    }
}
