package io.microregistry;

import java.util.Optional;

/**
 * What a watcher observes: one service, or all of them.
 *
 * <p>Immutable.
 *
 * @param service the service name to watch, or empty for every service
 */
public record WatchOptions(Optional<String> service) {

    public WatchOptions {
        if (service == null) {
            throw new IllegalArgumentException("service must not be null; use WatchOptions.all()");
        }
    }

    /** Watch every service. */
    public static WatchOptions all() {
        return new WatchOptions(Optional.empty());
    }

    /** Watch the named service only. */
    public static WatchOptions service(String name) {
        if (name == null) {
            throw new IllegalArgumentException("service name must not be null");
        }
        return new WatchOptions(Optional.of(name));
    }

    /** Whether an event about {@code serviceName} passes this filter. */
    public boolean matches(String serviceName) {
        return service.isEmpty() || service.get().equals(serviceName);
    }
}
