package io.microregistry.config.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigView;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The last-known-good file of a {@link ConfigView}: JSON, one record per entry (value in
 * base64), replaced atomically on every write so a crash never leaves half a file.
 *
 * <p>Thread-safe: writes are serialised.
 */
final class FallbackFile {
    private record Stored(String key, byte[] value, long version, long revision) {
    }

    /** Thread-safe once configured; shared because it holds no per-call state. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;

    FallbackFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** The stored entries; empty if the file does not exist. Unreadable files throw. */
    List<ConfigEntry> read() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Stored> stored = MAPPER.readValue(file.toFile(), new TypeReference<List<Stored>>() { });
        List<ConfigEntry> entries = new ArrayList<>();
        for (Stored s : stored) {
            entries.add(new ConfigEntry(s.key(), s.value(), s.version(), s.revision()));
        }
        return entries;
    }

    boolean exists() {
        return Files.exists(file);
    }

    synchronized void write(Collection<ConfigEntry> entries) throws IOException {
        List<Stored> stored = entries.stream().map(e -> new Stored(e.key(), e.value(), e.version(), e.revision())).toList();
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            MAPPER.writeValue(tmp.toFile(), stored);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
