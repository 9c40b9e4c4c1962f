package io.microregistry.soak;

/** The faults the soak injects, one at a time. */
public enum FaultKind {
    /** The server is stopped with SIGTERM and started again with its data. */
    SERVER_SIGTERM,
    /** The server is killed with SIGKILL and started again with its data. */
    SERVER_SIGKILL,
    /** The server is killed with SIGKILL, its data dir deleted, and a new empty server started on the same ports. */
    SERVER_WIPE,
    /** The server is frozen with SIGSTOP for two TTLs, then resumed with SIGCONT. */
    SERVER_SIGSTOP,
    /** A registrant process is killed with SIGKILL and a new one (new node ids) started in its place. */
    REGISTRANT_SIGKILL,
    /** A registrant process is frozen with SIGSTOP for two TTLs (its nodes must go), then resumed (they must return). */
    REGISTRANT_SIGSTOP;

    /** Whether the fault hits the server (as opposed to a registrant). */
    boolean hitsServer() {
        return name().startsWith("SERVER_");
    }
}
