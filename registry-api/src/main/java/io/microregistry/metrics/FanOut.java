package io.microregistry.metrics;

import io.microregistry.WatchStatus;
import io.microregistry.cache.CacheStatus;

import java.time.Duration;
import java.util.Optional;
import java.util.Arrays;

/** Several guarded observers, called in turn. Immutable; thread-safe if they are. */
final class FanOut implements RegistryObserver {

    private final RegistryObserver[] observers;

    FanOut(RegistryObserver[] observers) {
        this.observers = observers.clone();
    }

    @Override
    public void registrationKept(String service, String nodeId) {
        for (RegistryObserver observer : observers) {
            observer.registrationKept(service, nodeId);
        }
    }

    @Override
    public void registrationReleased(String service, String nodeId) {
        for (RegistryObserver observer : observers) {
            observer.registrationReleased(service, nodeId);
        }
    }

    @Override
    public void livenessLost(String primitive, int records) {
        for (RegistryObserver observer : observers) {
            observer.livenessLost(primitive, records);
        }
    }

    @Override
    public void writtenBack(String service, String nodeId) {
        for (RegistryObserver observer : observers) {
            observer.writtenBack(service, nodeId);
        }
    }

    @Override
    public void watchStatusChanged(Optional<String> service, WatchStatus.State state) {
        for (RegistryObserver observer : observers) {
            observer.watchStatusChanged(service, state);
        }
    }

    @Override
    public void watchResync(Optional<String> service, boolean succeeded) {
        for (RegistryObserver observer : observers) {
            observer.watchResync(service, succeeded);
        }
    }

    @Override
    public void cacheStatusChanged(String service, CacheStatus.State from, CacheStatus.State to) {
        for (RegistryObserver observer : observers) {
            observer.cacheStatusChanged(service, from, to);
        }
    }

    @Override
    public void selected(String service) {
        for (RegistryObserver observer : observers) {
            observer.selected(service);
        }
    }

    @Override
    public void selectionFailed(String service, RuntimeException failure) {
        for (RegistryObserver observer : observers) {
            observer.selectionFailed(service, failure);
        }
    }

    @Override
    public void ejected(String service, String nodeId, Duration period) {
        for (RegistryObserver observer : observers) {
            observer.ejected(service, nodeId, period);
        }
    }

    @Override
    public String toString() {
        return "RegistryObserver" + Arrays.toString(observers);
    }
}
