package io.microregistry.metrics;

import io.microregistry.WatchStatus;
import io.microregistry.cache.CacheStatus;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An observer whose failures stay its own: every call is passed on inside a try/catch; the first
 * exception is logged (one line with its stack trace), later ones are dropped.
 *
 * <p>Thread-safe if the delegate is.
 */
final class GuardedObserver implements RegistryObserver {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GuardedObserver.class);

    private final RegistryObserver delegate;
    private final AtomicBoolean failedOnce = new AtomicBoolean();

    GuardedObserver(RegistryObserver delegate) {
        this.delegate = delegate;
    }

    private void failed(String event, RuntimeException e) {
        if (failedOnce.compareAndSet(false, true)) {
            LOG.warn("registry observer {} threw on {}; ignored, and so will be its later failures", delegate, event, e);
        }
    }

    @Override
    public void registrationKept(String service, String nodeId) {
        try {
            delegate.registrationKept(service, nodeId);
        } catch (RuntimeException e) {
            failed("registrationKept", e);
        }
    }

    @Override
    public void registrationReleased(String service, String nodeId) {
        try {
            delegate.registrationReleased(service, nodeId);
        } catch (RuntimeException e) {
            failed("registrationReleased", e);
        }
    }

    @Override
    public void livenessLost(String primitive, int records) {
        try {
            delegate.livenessLost(primitive, records);
        } catch (RuntimeException e) {
            failed("livenessLost", e);
        }
    }

    @Override
    public void writtenBack(String service, String nodeId) {
        try {
            delegate.writtenBack(service, nodeId);
        } catch (RuntimeException e) {
            failed("writtenBack", e);
        }
    }

    @Override
    public void watchStatusChanged(Optional<String> service, WatchStatus.State state) {
        try {
            delegate.watchStatusChanged(service, state);
        } catch (RuntimeException e) {
            failed("watchStatusChanged", e);
        }
    }

    @Override
    public void watchResync(Optional<String> service, boolean succeeded) {
        try {
            delegate.watchResync(service, succeeded);
        } catch (RuntimeException e) {
            failed("watchResync", e);
        }
    }

    @Override
    public void cacheStatusChanged(String service, CacheStatus.State from, CacheStatus.State to) {
        try {
            delegate.cacheStatusChanged(service, from, to);
        } catch (RuntimeException e) {
            failed("cacheStatusChanged", e);
        }
    }

    @Override
    public void selected(String service) {
        try {
            delegate.selected(service);
        } catch (RuntimeException e) {
            failed("selected", e);
        }
    }

    @Override
    public void selectionFailed(String service, RuntimeException failure) {
        try {
            delegate.selectionFailed(service, failure);
        } catch (RuntimeException e) {
            failed("selectionFailed", e);
        }
    }

    @Override
    public void ejected(String service, String nodeId, Duration period) {
        try {
            delegate.ejected(service, nodeId, period);
        } catch (RuntimeException e) {
            failed("ejected", e);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
