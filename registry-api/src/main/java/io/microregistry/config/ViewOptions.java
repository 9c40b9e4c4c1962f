package io.microregistry.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link ConfigView} shows: one prefix, or layers searched in order (first hit wins),
 * and optionally a last-known-good file.
 *
 * <p>Immutable; the {@code with*} methods return copies.
 */
public final class ViewOptions {
    private final List<String> layers;
    private final Path fallbackFile;

    private ViewOptions(List<String> layers, Path fallbackFile) {
        this.layers = List.copyOf(layers);
        this.fallbackFile = fallbackFile;
    }

    /** One prefix; view keys are relative to it. */
    public static ViewOptions prefix(String prefix) {
        return new ViewOptions(List.of(ConfigKeys.prefix(prefix)), null);
    }

    /**
     * Layers searched in the given order; view keys are relative to each layer.
     *
     * @throws IllegalArgumentException if there is none or one is invalid
     */
    public static ViewOptions layers(List<String> prefixes) {
        if (prefixes == null || prefixes.isEmpty()) {
            throw new IllegalArgumentException("a view needs at least one layer");
        }
        List<String> checked = new ArrayList<>();
        for (String p : prefixes) {
            String dir = ConfigKeys.prefix(p);
            if (!checked.contains(dir)) {
                checked.add(dir);
            }
        }
        return new ViewOptions(checked, null);
    }

    /**
     * Spring Cloud Consul Config's layering under {@code root} (usually {@code config}):
     * {@code root/<app>,<profile>/} over {@code root/<app>/} over {@code root/application/}.
     * A null or blank profile leaves out the first layer.
     */
    public static ViewOptions application(String root, String app, String profile) {
        if (app == null || app.isBlank()) {
            throw new IllegalArgumentException("app must not be blank");
        }
        String base = root == null || root.isEmpty() ? "" : ConfigKeys.prefix(root);
        List<String> layers = new ArrayList<>();
        if (profile != null && !profile.isBlank()) {
            layers.add(base + app + "," + profile + "/");
        }
        layers.add(base + app + "/");
        layers.add(base + "application/");
        return layers(layers);
    }

    /**
     * Persist the view to {@code file} after every change, and start from it when the backend
     * is unreachable at boot (the view then says STALE with the cause, and catches up).
     */
    public ViewOptions withFallbackFile(Path file) {
        return new ViewOptions(layers, file);
    }

    /** The layers, highest precedence first, each in directory form. */
    public List<String> layers() {
        return layers;
    }

    /** The last-known-good file, if any. */
    public Optional<Path> fallbackFile() {
        return Optional.ofNullable(fallbackFile);
    }
}
