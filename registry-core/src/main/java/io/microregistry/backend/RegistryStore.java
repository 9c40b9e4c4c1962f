package io.microregistry.backend;

import io.microregistry.RegistrationRules;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.metrics.RegistryObserver;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a backend plugin writes: the part of a registry that genuinely differs per backend.
 * {@link StoreRegistry} turns a store into a whole {@link io.microregistry.Registry} and owns
 * everything else once: validation and the closed state, which client keeps which node and in
 * which {@link LivenessGroup}, all-or-nothing registration with undo, deregistration that
 * reports what it could not remove, grouping records into services per version, push
 * subscriptions shared per prefix, and shutdown.
 *
 * <p>A store deals in <em>records</em>: a {@link Service} holding exactly one node, which is
 * what go-micro writes per node. It supplies:
 * <ul>
 *   <li>the <b>record layout</b> and the <b>reads</b> ({@link #read}), paged so that no single
 *       backend message holds the whole registry, returning only records whose decoded identity
 *       matches where they are stored;</li>
 *   <li>the <b>liveness primitive</b> ({@link #openGroup}): a lease, session or TTL check kept
 *       for every record of one TTL class, written back by the group after the backend lost it;</li>
 *   <li>the <b>watch</b> of a prefix ({@link #watch}): pushes every change after it returns to a
 *       {@link WatchSink}, in order, resynchronising after outages and pushing its status; the
 *       core turns it into pull-style watchers and shared subscriptions;</li>
 *   <li><b>error translation</b>: every failure leaves the store as a {@link RegistryException}
 *       naming the backend with the cause attached, never as the client library's own type.</li>
 * </ul>
 *
 * <p><b>Calls from the core.</b> {@link StoreRegistry} calls {@link #check}, {@link #prepare},
 * {@link #batches}, {@link #openGroup} and {@link #remove} one at a time per client (it
 * serialises registrations), {@link #read} and {@link #watch} from any thread, and
 * {@link #close} once, after every group is closed. Arguments are never null and have passed
 * {@link RegistrationRules}. Every method may block up to the client's configured timeout.
 */
public interface RegistryStore {

    /** Names the backend and where it is, for messages and logs: {@code "etcd at 127.0.0.1:2379"}. */
    String describe();

    /**
     * Backend-specific limits of one registration (a record too large for a znode, too many
     * nodes for one agent call), checked before anything is written. The default accepts all.
     *
     * @throws IllegalArgumentException naming the field and the limit
     */
    default void check(Service service) {
    }

    /**
     * Makes the backend ready to take records of {@code serviceName} from this client, before
     * the first record of a registration is written (a directory with the right ACL, say).
     * The default does nothing.
     *
     * @throws RegistryException if the backend refuses
     */
    default void prepare(String serviceName) {
    }

    /**
     * The TTL class {@code ttl} belongs to: every registration whose TTL falls in one class
     * shares one {@link LivenessGroup}. A class must never be shorter than the TTLs in it
     * (a node must not outlive its process by more than its TTL, and must not vanish early).
     */
    Duration ttlClass(Duration ttl);

    /**
     * Opens the liveness primitive for one TTL class (as returned by {@link #ttlClass}). Need
     * not contact the backend yet: the first {@link LivenessGroup#put} may.
     */
    LivenessGroup openGroup(Duration ttlClass);

    /**
     * {@link #openGroup(Duration)} for a client whose metrics go to {@code observer}: what the core
     * calls. A group that can lose its primitive reports each loss with
     * {@link RegistryObserver#livenessLost} (once per loss, with the number of records it kept)
     * and each record it then writes back with {@link RegistryObserver#writtenBack}, from its own
     * recovery thread. {@code observer} is already guarded (it never throws) and never null.
     * The default ignores it: a store that never loses liveness (memory) has nothing to report.
     */
    default LivenessGroup openGroup(Duration ttlClass, RegistryObserver observer) {
        return openGroup(ttlClass);
    }

    /**
     * How one registration's records are split into writes the backend takes at once: the core
     * writes each batch with one {@link LivenessGroup#put} and, if a later batch fails, undoes
     * the earlier ones. The default is one batch of everything.
     */
    default List<List<Service>> batches(List<Service> records) {
        return List.of(records);
    }

    /**
     * The records of one service ({@code name} present) or of every service, one node each, as
     * the backend holds them now. Paged: no single backend message carries the whole registry.
     * Records that cannot be decoded are skipped with one warning per key.
     *
     * @throws RegistryException if the backend cannot be read
     */
    List<Service> read(Optional<String> name);

    /**
     * Removes what is left of one node that no {@link LivenessGroup} of this client keeps:
     * its record if {@code includingOwn} (another client's registration, or one already gone),
     * and any other form the node is stored under (go-micro's key for a name that has two),
     * but only where that form holds this very node. Removing what is not there is no error.
     *
     * @throws RegistryException if the backend did not confirm the removal
     */
    void remove(String serviceName, String nodeId, boolean includingOwn);

    /**
     * Opens a watch of one prefix (one service, or all) that <em>pushes</em> to {@code sink}:
     * returns once established, then pushes every change per node after that point in the
     * backend's order, resynchronises after outages on its own (pushing the difference, never a
     * change twice) and pushes each change of its {@link io.microregistry.WatchStatus status}.
     * It holds no thread per watch where the backend pushes (jetcd, Curator); a backend that must
     * poll shares one poller per client between all its watches. The core closes it when its
     * watcher or subscription ends and before {@link #close()}.
     *
     * @throws RegistryException if the watch cannot be established
     */
    PrefixWatch watch(WatchOptions options, WatchSink sink);

    /**
     * Releases the connection, threads and anything else the store holds. Called once, after
     * every group has been closed. Never throws.
     */
    void close();
}
