package io.microregistry.tck;

/**
 * What a backend's fixture can offer beyond the basics. A contract that needs a capability
 * the fixture does not claim is reported skipped, with the reason, never passed.
 */
public enum Capability {
    /**
     * {@link RegistryFixture#abandon} can make a client stop keeping its nodes alive without
     * deregistering them, as a crash would.
     */
    ABANDON_CLIENT("the fixture cannot abandon a client without cleanup"),
    /**
     * The backend is a server another process can reach: the TCK starts a registrant in a
     * child JVM (configured by {@link RegistryFixture#childProcessProperties()}) and kills it
     * with SIGKILL.
     */
    KILL_PROCESS("the backend lives inside this JVM, so no other process can register in it"),
    /** {@link RegistryFixture#restartServer()} stops the backend server and starts it again. */
    SERVER_RESTART("the fixture cannot restart the backend server"),
    /**
     * {@link RegistryFixture#loseSession} makes the server drop a live client's lease or
     * session, as a partition longer than the TTL would, and the client must recover.
     */
    SESSION_LOSS("the fixture cannot make the server drop a client's lease or session"),
    /** Discovery through {@code MICRO_REGISTRY}: {@link RegistryFixture#providerProperties()} opens this backend. */
    PROVIDER_DISCOVERY("the fixture does not describe how to open the backend by name"),
    /**
     * {@link RegistryFixture#newClient(String)} opens a client in a namespace of its own (the
     * key root of {@link io.microregistry.RegistryConfig#namespace()}): clients of different
     * namespaces on one server never see each other.
     */
    NAMESPACES("the backend has no namespaces, or the fixture cannot open a client in one");

    private final String missingReason;

    Capability(String missingReason) {
        this.missingReason = missingReason;
    }

    /** Why a contract needing this capability was skipped. */
    public String missingReason() {
        return missingReason;
    }
}
