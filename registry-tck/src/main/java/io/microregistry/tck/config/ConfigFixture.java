package io.microregistry.tck.config;

import io.microregistry.config.Config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The porting package of the config TCK: what a backend gives the suite. One fixture serves
 * one test class; it starts its server in its constructor (or lazily) and stops it in
 * {@link #close()}. Called from one thread at a time, except {@link #newClient()}, which must
 * be thread-safe.
 */
public interface ConfigFixture extends AutoCloseable {

    /** A new, independent client of the backend under test; the TCK closes it. */
    Config newClient();

    /** The capabilities this backend offers. */
    Set<ConfigCapability> capabilities();

    /** How long a change may take to reach another client's watch or view. */
    default Duration propagationBound() {
        return Duration.ofSeconds(5);
    }

    /** How long the backend may take after a restart until watches are current again. */
    default Duration recoveryBound() {
        return Duration.ofSeconds(30);
    }

    /** Stops and restarts the server on the same address (state kept or lost, as the server does); returns once it accepts connections. */
    default void restartServer() {
        throw new UnsupportedOperationException("restartServer");
    }

    /** Stops the server. */
    default void stopServer() {
        throw new UnsupportedOperationException("stopServer");
    }

    /** Starts the stopped server again on the same address; returns once it accepts connections. */
    default void startServer() {
        throw new UnsupportedOperationException("startServer");
    }

    /** System properties that make {@link io.microregistry.config.Configs#fromEnvironment()} open this backend. */
    default Map<String, String> providerProperties() {
        return Map.of();
    }

    @Override
    void close();
}
