package io.microregistry.backend;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microregistry.Registry;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.internal.CoreServices;

import java.io.IOException;

/**
 * What {@code registry-api} needs from this module at run time (see {@link CoreServices}):
 * the default push subscription over a blocking watch, and Jackson for typed config reads.
 * Found with {@link java.util.ServiceLoader}; not for direct use.
 *
 * <p>Stateless and thread-safe.
 */
public final class ToolkitServices implements CoreServices {
    /** Thread-safe once configured; shared because it holds no per-call state. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Public for {@link java.util.ServiceLoader}. */
    public ToolkitServices() {
    }

    @Override
    public Subscription subscribe(Registry registry, WatchOptions options, WatchListener listener) {
        return new SubscriptionHub(registry).subscribe(options, listener);
    }

    @Override
    public <T> T readJson(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }
}
