package io.microregistry.consul;

import io.microregistry.Backoff;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.KeyLocks;
import io.microregistry.metrics.RegistryObserver;
import org.kiwiproject.consul.AgentClient;
import org.kiwiproject.consul.NotRegisteredException;
import org.kiwiproject.consul.model.agent.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this client's agent services alive: passes each one's TTL check every third of its
 * TTL, and when a pass fails (agent restarted and lost its state, service reaped after being
 * critical too long, agent unreachable) registers the service again, with backoff, forever,
 * until it is deregistered, abandoned or the keeper is closed.
 *
 * <p>Thread-safe. Every write for one service id (register, pass, re-register, deregister) is
 * serialised on that id, so a keep-alive never writes an older registration over a newer one
 * (ids share {@link KeyLocks} stripes, so memory stays bounded however many ids come and go).
 * After {@link #shutdown()} nothing is kept alive any more. One keeper serves every
 * {@link TtlCheckGroup} of a client: each group is the view of the ids it keeps, of one TTL.
 *
 * <p><b>Writes whose outcome is unknown.</b> Serialising our own writes does not order them at
 * the agent: a registration that timed out on our side (the agent was stopped, restarting or
 * slow) may still be applied later, after a newer registration of the same id, and would then
 * hold an older record under a passing check for as long as the agent lives (seen in the fault
 * soak: one node served at an older generation across three agent restarts). So after any write
 * of an id that failed without an answer from the agent, the id is <em>unsettled</em>: its next
 * {@value #REASSERTS} keep-alive steps register the record this keeper holds instead of passing
 * the check, which puts the agent back on what this client last wrote successfully (or kept,
 * when the last write failed) once any late write has landed.
 */
final class CheckKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(CheckKeeper.class);
    /** Two threads: a pass is one short local HTTP call, but one slow agent call must not stall all. */
    private static final int THREADS = 2;
    /** Keep-alive steps that register again after a write of unknown outcome. */
    static final int REASSERTS = 2;

    private final AgentClient agent;
    private final String agentName;
    private final Backoff backoff;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    /** Registrations {@link #forget forgotten} for a move between TTL groups, until kept again or dropped. */
    private final Map<String, Kept> forgotten = new ConcurrentHashMap<>();
    private final KeyLocks locks = new KeyLocks();
    /** Id to the registrations still to re-assert after a write of unknown outcome; under the id's lock. */
    private final Map<String, Integer> unsettled = new ConcurrentHashMap<>();
    /** Told of each lost check and each registration written back; the client's, once known. */
    private volatile RegistryObserver observer = RegistryObserver.none();

    CheckKeeper(AgentClient agent, String agentName, Backoff backoff) {
        this.agent = agent;
        this.agentName = agentName;
        this.backoff = backoff;
        this.scheduler = new ScheduledThreadPoolExecutor(THREADS, new DaemonThreads("consul-keepalive"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** One kept service: its registration and where its keep-alive stands. Guarded by the id's lock. */
    private static final class Kept {
        final Registration registration;
        final IdHolder holder;
        final Duration ttl;
        ScheduledFuture<?> next;
        boolean cancelled;
        boolean lost;
        int attempt;

        Kept(Registration registration, IdHolder holder, Duration ttl) {
            this.registration = registration;
            this.holder = holder;
            this.ttl = ttl;
        }

        void cancel() {
            cancelled = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    /**
     * Registers the service with the agent and keeps it alive from now on, replacing any earlier
     * registration of the same id; {@code holder} says which node of which service it is. The
     * check starts passing with the registration and is passed once more at once: the agent
     * persists a TTL check's status only when the check is updated, not when it is registered,
     * so until that first pass an agent restart would bring the check back critical and the node
     * would vanish until its next keep-alive. Throws what the agent client throws if the
     * registration fails; an earlier keep-alive of the id then goes on unchanged. A failed first
     * pass is the keep-alive's to retry.
     */
    void register(Registration registration, IdHolder holder, Duration ttl) {
        String id = registration.getId();
        synchronized (lock(id)) {
            try {
                agent.register(registration);
            } catch (RuntimeException e) {
                unsettleIfUnanswered(id, e);
                throw e;
            }
            forgotten.remove(id);
            Kept entry = new Kept(registration, holder, ttl);
            Kept old = kept.put(id, entry);
            if (old != null) {
                old.cancel();
            }
            Duration firstBeat = passInterval(ttl);
            try {
                agent.pass(id);
            } catch (NotRegisteredException | RuntimeException e) {
                LOG.debug("first pass of '{}' failed, the keep-alive retries it at once: {}", id, reason(e));
                firstBeat = Duration.ZERO;
            }
            schedule(id, entry, firstBeat);
        }
    }

    /**
     * Runs {@code removal} (the agent call that removes {@code id}) under the id's lock and, once
     * it returned, stops keeping {@code id} alive, so no keep-alive can bring it back afterwards.
     * If {@code removal} throws, {@code id} is still kept alive (a retry can remove it).
     */
    void deregister(String id, Runnable removal) {
        synchronized (lock(id)) {
            removal.run();
            stop(id);
        }
    }

    /** Whether {@code id} will register again on its next keep-alive steps. For tests. */
    boolean isUnsettled(String id) {
        return unsettled.containsKey(id);
    }

    /**
     * Marks {@code id} unsettled if {@code failure} leaves open whether the agent applied the
     * write: any failure but an answer from the agent (an HTTP status) or a refused connection.
     */
    private void unsettleIfUnanswered(String id, Throwable failure) {
        if (ConsulFailures.status(failure) > 0) {
            return;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return;
            }
        }
        if (unsettled.put(id, REASSERTS) == null) {
            LOG.info("registration of service id '{}' on Consul agent {} ended without an answer; registering it again"
                    + " on its next {} keep-alive steps in case the agent applies it late", id, agentName, REASSERTS);
        }
    }

    /**
     * Which node of which service this keeper keeps alive under Consul service ID {@code id}, or
     * has {@link #forget forgotten} without deregistering; null if neither.
     */
    IdHolder holderOf(String id) {
        Kept entry = kept.get(id);
        if (entry == null) {
            entry = forgotten.get(id);
        }
        return entry == null ? null : entry.holder;
    }

    /**
     * Stops keeping {@code id} alive without telling the agent, but remembers its registration so
     * that {@link #remember} can keep it again; a later {@link #register}, {@link #deregister} or
     * {@link #stop} of the id drops what was remembered. Waits at most for a keep-alive in flight.
     */
    void forget(String id) {
        synchronized (lock(id)) {
            Kept old = kept.remove(id);
            if (old != null) {
                old.cancel();
                forgotten.put(id, old);
            }
        }
    }

    /**
     * Keeps {@code id} alive again as it was when {@link #forget forgotten}, without writing to the
     * agent (its registration is still there): the next pass is due a third of its TTL from now.
     * Returns false if nothing was forgotten under {@code id}.
     */
    boolean remember(String id) {
        synchronized (lock(id)) {
            Kept old = forgotten.remove(id);
            if (old == null) {
                return false;
            }
            Kept entry = new Kept(old.registration, old.holder, old.ttl);
            kept.put(id, entry);
            schedule(id, entry, passInterval(entry.ttl));
            return true;
        }
    }

    /** Stops keeping {@code id} alive without telling the agent: its check goes critical within its TTL. */
    void stop(String id) {
        synchronized (lock(id)) {
            forgotten.remove(id);
            unsettled.remove(id);
            Kept old = kept.remove(id);
            if (old != null) {
                old.cancel();
            }
        }
    }

    /** Stops every keep-alive without telling the agent: the checks go critical within their TTL. */
    void abandonAll() {
        List.copyOf(forgotten.keySet()).forEach(this::stop);
        List.copyOf(kept.keySet()).forEach(this::stop);
    }

    /**
     * Reports each check lost ({@link RegistryObserver#livenessLost}, primitive {@code "check"},
     * one record) and each registration written back after it to {@code observer} from now on.
     */
    void reportTo(RegistryObserver observer) {
        this.observer = observer;
    }

    /** The service ids kept alive right now. For fault-injection tests. */
    java.util.Set<String> keptIds() {
        return java.util.Set.copyOf(kept.keySet());
    }

    /** Stops the keeper's threads; call after deregistering or abandoning what it kept. */
    void shutdown() {
        abandonAll();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration passInterval(Duration ttl) {
        return ttl.dividedBy(3);
    }

    private Object lock(String id) {
        return locks.of(id);
    }

    private void schedule(String id, Kept entry, Duration delay) {
        if (scheduler.isShutdown()) {
            return;
        }
        entry.next = scheduler.schedule(() -> beat(id, entry), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One keep-alive step: pass the check, or register again once it is lost. */
    private void beat(String id, Kept entry) {
        synchronized (lock(id)) {
            if (entry.cancelled || kept.get(id) != entry) {
                return;
            }
            Integer reasserts = unsettled.get(id);
            try {
                if (entry.lost) {
                    register(id, entry.registration);
                    LOG.info("re-registered service '{}' node '{}' with Consul agent {} after {} attempt(s)",
                            entry.registration.getName(), id, agentName, entry.attempt);
                    observer.writtenBack(entry.holder.name(), entry.holder.nodeId());
                } else if (reasserts != null) {
                    register(id, entry.registration);
                    if (reasserts > 1) {
                        unsettled.put(id, reasserts - 1);
                    } else {
                        unsettled.remove(id);
                    }
                } else {
                    agent.pass(id);
                }
                entry.lost = false;
                entry.attempt = 0;
                schedule(id, entry, passInterval(entry.ttl));
            } catch (NotRegisteredException | RuntimeException e) {
                if (!entry.lost) {
                    // Whatever went wrong (check unknown after an agent restart, agent down, reaped),
                    // a fresh registration is what brings the node back; the agent replaces in place.
                    LOG.warn("keep-alive of service '{}' node '{}' failed on Consul agent {} ({}); registering it "
                                    + "again until it succeeds", entry.registration.getName(), id, agentName,
                            reason(e));
                    entry.lost = true;
                    observer.livenessLost("check", 1);
                } else {
                    LOG.debug("re-registration of '{}' still failing: {}", id, reason(e));
                }
                schedule(id, entry, backoff.delay(entry.attempt++));
            }
        }
    }

    /** One registration by the keep-alive; a failure without an answer unsettles the id again. */
    private void register(String id, Registration registration) {
        try {
            agent.register(registration);
        } catch (RuntimeException e) {
            unsettleIfUnanswered(id, e);
            throw e;
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        int status = ConsulFailures.status(e);
        return (status > 0 ? "HTTP " + status + ": " : "") + root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
