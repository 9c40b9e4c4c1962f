package io.microregistry;

import java.util.Optional;

/**
 * What a watcher or subscription observes: one service, or all of them. Build with
 * {@link #all()}, {@link #service(String)} or {@link #builder()}; fields will be added without
 * breaking callers (this was a record; its constructor and accessor stay).
 *
 * <p>Immutable and thread-safe.
 */
public final class WatchOptions {

    private final Optional<String> service;

    /** @param service the service name to watch, or empty for every service; never null */
    public WatchOptions(Optional<String> service) {
        if (service == null) {
            throw new IllegalArgumentException("service must not be null; use WatchOptions.all()");
        }
        this.service = service;
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

    /** A builder starting from {@link #all()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The service name watched, or empty for every service. */
    public Optional<String> service() {
        return service;
    }

    /** Whether an event about {@code serviceName} passes this filter. */
    public boolean matches(String serviceName) {
        return service.isEmpty() || service.get().equals(serviceName);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WatchOptions other && service.equals(other.service);
    }

    @Override
    public int hashCode() {
        return service.hashCode();
    }

    @Override
    public String toString() {
        return "WatchOptions[service=" + service.orElse("*") + "]";
    }

    /** Builds {@link WatchOptions}; not thread-safe. */
    public static final class Builder {
        private Optional<String> service = Optional.empty();

        private Builder() {
        }

        /** Only this service; null for every service. */
        public Builder service(String name) {
            service = Optional.ofNullable(name);
            return this;
        }

        public WatchOptions build() {
            return new WatchOptions(service);
        }
    }
}
