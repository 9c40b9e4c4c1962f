package io.microregistry;

/** {@link Watcher#next()} was called on, or was waiting in, a stopped watcher. */
public class WatcherStoppedException extends IllegalStateException {
    public WatcherStoppedException() {
        super("watcher stopped");
    }
}
