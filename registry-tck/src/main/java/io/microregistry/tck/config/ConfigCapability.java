package io.microregistry.tck.config;

/**
 * What a config backend's fixture can offer beyond the basics. A contract that needs a
 * capability the fixture does not claim is reported skipped with the reason, never passed.
 */
public enum ConfigCapability {
    /** {@link ConfigFixture#restartServer()} stops the server and starts it again on the same address (state kept or not). */
    SERVER_RESTART("the fixture cannot restart the backend server"),
    /**
     * {@link ConfigFixture#stopServer()} / {@link ConfigFixture#startServer()} take the server
     * away and bring it back (its state may be lost, as a dev agent's is), and {@link ConfigFixture#newClient()} works while it
     * is down.
     */
    SERVER_STOP("the fixture cannot stop and start the backend server"),
    /**
     * The backend keeps history, so a watch delivers every intermediate value of a key (etcd
     * revisions, the memory store). Without it, a watch may coalesce several writes to one
     * key into the latest (Consul blocking queries, ZooKeeper watches), and orders changes per
     * key, not across keys.
     */
    EVERY_CHANGE("the backend delivers the latest value of a key, not every intermediate one"),
    /** Discovery through {@code MICRO_REGISTRY}: {@link ConfigFixture#providerProperties()} opens this backend. */
    PROVIDER_DISCOVERY("the fixture does not describe how to open the backend by name");

    private final String missingReason;

    ConfigCapability(String missingReason) {
        this.missingReason = missingReason;
    }

    /** Why a contract needing this capability was skipped. */
    public String missingReason() {
        return missingReason;
    }
}
