package io.microregistry.metrics;

import io.microregistry.WatchStatus;
import io.microregistry.cache.CacheStatus;

import java.time.Duration;
import java.util.Optional;
import java.util.Arrays;
import java.util.function.Consumer;

/** Several guarded observers, called in turn. Immutable; thread-safe if they are. */
final class FanOut implements RegistryObserver {

    private final RegistryObserver[] observers;

    FanOut(RegistryObserver[] observers) {
        this.observers = observers.clone();
    }

    @Override
    public void registrationKept(String service, String nodeId) {
        each(o -> o.registrationKept(service, nodeId));
    }

    @Override
    public void registrationReleased(String service, String nodeId) {
        each(o -> o.registrationReleased(service, nodeId));
    }

    @Override
    public void livenessLost(String primitive, int records) {
        each(o -> o.livenessLost(primitive, records));
    }

    @Override
    public void writtenBack(String service, String nodeId) {
        each(o -> o.writtenBack(service, nodeId));
    }

    @Override
    public void watchStatusChanged(Optional<String> service, WatchStatus.State state) {
        each(o -> o.watchStatusChanged(service, state));
    }

    @Override
    public void watchResync(Optional<String> service, boolean succeeded) {
        each(o -> o.watchResync(service, succeeded));
    }

    @Override
    public void cacheStatusChanged(String service, CacheStatus.State from, CacheStatus.State to) {
        each(o -> o.cacheStatusChanged(service, from, to));
    }

    @Override
    public void selected(String service) {
        each(o -> o.selected(service));
    }

    @Override
    public void selectionFailed(String service, RuntimeException failure) {
        each(o -> o.selectionFailed(service, failure));
    }

    @Override
    public void ejected(String service, String nodeId, Duration period) {
        each(o -> o.ejected(service, nodeId, period));
    }

    /** Calls every observer in turn; each is guarded, so one that throws cannot stop the rest. */
    private void each(Consumer<RegistryObserver> call) {
        for (RegistryObserver observer : observers) {
            call.accept(observer);
        }
    }

    @Override
    public String toString() {
        return "RegistryObserver" + Arrays.toString(observers);
    }
}
