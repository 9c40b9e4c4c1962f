package io.microregistry.cli;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.Configs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;

/**
 * {@code micro-registry config get|put|delete|list|watch}: the config center on the same backend and settings
 * as the other commands. Exit statuses as everywhere: 0 ok, 1 not found (or a compare-and-set conflict),
 * 2 usage, 3 backend, 4 internal.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Read, write and watch configuration in the config center (keys like app/db/url).",
        subcommands = {ConfigGetCommand.class, ConfigPutCommand.class, ConfigDeleteCommand.class,
                ConfigListCommand.class, ConfigWatchCommand.class})
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    private MicroRegistry root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(root.err());
        return ExitCode.USAGE;
    }

    MicroRegistry root() {
        return root;
    }

    /** Opens a config client of the chosen backend; the caller closes it. */
    Config open() {
        BackendTarget target = root.target();
        return Configs.open(target.provider(), target.config());
    }

    /** {@code {"key":..,"value":..,"version":..,"revision":..}}; binary values as {@code "base64"} instead of {@code "value"}. */
    static ObjectNode json(ConfigEntry e) {
        ObjectNode node = Json.object().put("key", e.key());
        String text = utf8(e.value());
        if (text != null) {
            node.put("value", text);
        } else {
            node.put("base64", Base64.getEncoder().encodeToString(e.value()));
        }
        return node.put("version", e.version()).put("revision", e.revision());
    }

    /** The bytes as UTF-8 text, or null if they are not valid UTF-8. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
