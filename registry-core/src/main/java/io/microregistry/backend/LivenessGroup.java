package io.microregistry.backend;

import io.microregistry.Backoff;
import io.microregistry.RegistryException;
import io.microregistry.Service;

import java.util.List;
import java.util.Optional;

/**
 * The records of one client and one TTL class, kept alive by one backend primitive: an etcd
 * lease, a ZooKeeper session, Consul TTL checks. Opened by {@link RegistryStore#openGroup}; the
 * core decides which records a group keeps and calls {@link #put}, {@link #remove},
 * {@link #forget}, {@link #remember} and {@link #close} one at a time.
 *
 * <p><b>Write-back.</b> From a successful {@link #put} until {@link #remove}, {@link #forget}
 * or {@link #close}, the group keeps each record alive and, when the backend loses them (lease
 * expired during an outage, session expired, agent or server restarted, data wiped), writes
 * them back with {@link Backoff backoff and jitter}, logging one line per loss and per
 * recovery. A record it no longer keeps is never written back.
 *
 * <p>Thread-safe: the group's own recovery runs beside the core's calls.
 */
public interface LivenessGroup {

    /**
     * Writes these records (one node each) all or nothing and keeps them alive from then on;
     * a record of a node the group keeps already replaces it. Returns once the write is durable.
     *
     * @throws RegistryException if the backend did not take the write; then none of the records
     *                           is written (or they are removed again) and none is kept
     */
    void put(List<Service> records);

    /**
     * Deletes the record of a node this group keeps and stops keeping it, once the backend
     * confirmed the delete (so a recovery running meanwhile cannot bring it back).
     *
     * @throws RegistryException if the backend did not confirm; the node is then still kept
     */
    void remove(String serviceName, String nodeId);

    /**
     * Stops keeping a node without deleting it (it moves to another group); returns the
     * record it kept. Does not call the backend (it may wait for the group's own recovery).
     */
    Optional<Service> forget(String serviceName, String nodeId);

    /**
     * Keeps {@code record} again, known to be written already (it was {@link #forget forgotten}
     * for a move that then failed). Does not call the backend.
     */
    void remember(Service record);

    /** Whether the group keeps no record: the core then closes it. */
    boolean isEmpty();

    /**
     * Stops keeping every record. With {@code release}, also ends the primitive so the records
     * vanish now (revoke the lease, close the session, deregister the checks); without, leaves
     * them to expire with their TTL, as a crash would. Idempotent; never throws.
     */
    void close(boolean release);
}
