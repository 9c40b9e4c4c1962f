package io.microregistry.etcd;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the etcd and etcdctl binaries are: unpacked by {@code tools/fetch-server.sh} (run by
 * this module's build) under the directory in system property {@code servers.dir}. A missing
 * binary is an error, never a skip.
 */
final class EtcdBinaries {
    private EtcdBinaries() {
    }

    static Path etcd() {
        return find("etcd-server", "usr/bin/etcd");
    }

    static Path etcdctl() {
        return find("etcd-client", "usr/bin/etcdctl");
    }

    private static Path find(String pkg, String binary) {
        String dir = System.getProperty("servers.dir");
        Path root = dir != null ? Path.of(dir) : Path.of("..", ".servers").toAbsolutePath().normalize();
        Path path = root.resolve(pkg).resolve(binary);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("etcd binary " + path + " is missing: build with "
                    + "'./mvnw -pl registry-etcd verify' (it runs tools/fetch-server.sh " + pkg + " trixie "
                    + binary + "), or set MICRO_REGISTRY_TEST_ETCD=host:port to use a running etcd");
        }
        return path;
    }
}
