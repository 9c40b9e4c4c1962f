package io.microregistry.cli;

import io.microregistry.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code micro-registry config put <key> [<value>]}: writes a value (from the argument, else stdin), optionally
 * only at a version or only if absent; a lost compare-and-set is exit 1.
 */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = "Write a value (the argument, or stdin if none). Exit 1 if --if-version/--if-absent did not hold.")
final class ConfigPutCommand implements Callable<Integer> {

    @ParentCommand
    private ConfigCommand config;

    @Parameters(index = "0", paramLabel = "<key>", description = "Key, e.g. greeter/greeting.")
    private String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<value>", description = "UTF-8 value (default: read stdin).")
    private String value;

    @Option(names = "--if-version", paramLabel = "<version>", description = "Write only if the key is still at this version.")
    private Long ifVersion;

    @Option(names = "--if-absent", description = "Write only if the key does not exist.")
    private boolean ifAbsent;

    @Override
    public Integer call() {
        MicroRegistry root = config.root();
        if (ifVersion != null && ifAbsent) {
            throw new IllegalArgumentException("--if-version and --if-absent exclude each other");
        }
        byte[] bytes;
        try {
            bytes = value != null ? value.getBytes(StandardCharsets.UTF_8) : System.in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the value from stdin", e);
        }
        boolean written;
        try (Config client = config.open()) {
            if (ifAbsent) {
                written = client.putIfAbsent(key, bytes);
            } else if (ifVersion != null) {
                written = client.putIfVersion(key, bytes, ifVersion);
            } else {
                client.put(key, bytes);
                written = true;
            }
        }
        if (!written) {
            throw CommandFailure.notFound("config key '" + key + "' not written: "
                    + (ifAbsent ? "it exists" : "it is no longer at version " + ifVersion));
        }
        PrintWriter out = root.out();
        if (root.json()) {
            out.println(Json.line(Json.object().put("key", key).put("written", true).put("bytes", bytes.length)));
        } else {
            out.println("put " + key + " (" + bytes.length + " bytes)");
        }
        out.flush();
        return ExitCode.OK;
    }
}
