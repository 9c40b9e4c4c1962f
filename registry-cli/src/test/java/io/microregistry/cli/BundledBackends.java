package io.microregistry.cli;

import java.util.List;

/** The providers the shaded jar must carry, sorted as {@code --version} lists them. */
final class BundledBackends {
    static final List<String> NAMES = List.of("consul", "etcd", "memory", "zookeeper");

    private BundledBackends() {
    }
}
