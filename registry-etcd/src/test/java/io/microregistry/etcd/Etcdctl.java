package io.microregistry.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code etcdctl} (v3 API) against an endpoint, as an operator or a Go service would. */
final class Etcdctl {
    private final String endpoints;
    private final String user;

    Etcdctl(String endpoints, String user) {
        this.endpoints = endpoints;
        this.user = user;
    }

    Etcdctl(String endpoints) {
        this(endpoints, null);
    }

    /** Runs {@code etcdctl args...}; its stdout. Fails on a non-zero exit. */
    String run(String... args) {
        List<String> command = new ArrayList<>(List.of(EtcdBinaries.etcdctl().toString(),
                "--endpoints=" + endpoints, "--command-timeout=10s"));
        if (user != null) {
            command.add("--user=" + user);
        }
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("etcdctl did not finish: " + command);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed (" + process.exitValue()
                        + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
