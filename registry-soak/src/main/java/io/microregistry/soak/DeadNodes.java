package io.microregistry.soak;

import io.microregistry.Registry;
import io.microregistry.RegistryException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Watches, by polling the backend every 100 ms on a thread of its own, that nodes of dead
 * (killed or frozen) registrants go within TTL + 1 s of the death and do not come back: a
 * sighting after that deadline is STALE, whenever it happens (a restarted server that
 * resurrects long-dead nodes is caught too). Records when each dead node went.
 *
 * <p>Thread-safe. Polls that fail (the server is down) are skipped.
 */
final class DeadNodes implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    /** One dead node: times in {@link System#nanoTime()}; {@code until} is when it may live again. */
    private static final class Death {
        final long died;
        final long deadline;
        volatile long until = Long.MAX_VALUE;
        volatile boolean gone;
        volatile long goneAt;
        volatile boolean reported;

        Death(long died, long deadline) {
            this.died = died;
            this.deadline = deadline;
        }
    }

    private final Registry registry;
    private final String service;
    private final Duration grace;
    private final Map<String, Death> deaths = new ConcurrentHashMap<>();
    private final Set<String> staleSightings = ConcurrentHashMap.newKeySet();
    /** What the backend said of a stale node at its first late sighting, by node id. */
    private final Map<String, String> staleEvidence = new ConcurrentHashMap<>();
    private final Function<String, String> explain;
    private final Thread poller;
    private volatile boolean closed;
    private volatile long polls;

    /**
     * @param explain asked once per stale node, at its first late sighting (while the evidence is
     *                still there), what the backend holds for it; blocking is fine, it runs on the poller
     */
    DeadNodes(Registry registry, String service, Duration ttl, Function<String, String> explain) {
        this.registry = registry;
        this.explain = explain;
        this.service = service;
        this.grace = ttl.plusSeconds(1);
        this.poller = new Thread(this::poll, "soak-dead-nodes");
        poller.setDaemon(true);
        poller.start();
    }

    /** The nodes died at {@code nanos}: they must be gone by then + TTL + 1 s. */
    void died(List<String> ids, long nanos) {
        for (String id : ids) {
            deaths.put(id, new Death(nanos, nanos + grace.toNanos()));
        }
    }

    /** The (frozen) owner of the nodes resumed at {@code nanos}: they may be back from then on. */
    void revived(List<String> ids, long nanos) {
        for (String id : ids) {
            Death death = deaths.get(id);
            if (death != null) {
                death.until = nanos;
            }
        }
    }

    /** Node ids seen after their deadline since the last call. */
    Set<String> drainStale() {
        Set<String> drained = Set.copyOf(staleSightings);
        staleSightings.removeAll(drained);
        return drained;
    }

    /** What the backend held for each stale node at its first late sighting, since the last call. */
    Map<String, String> drainEvidence() {
        Map<String, String> drained = Map.copyOf(staleEvidence);
        drained.keySet().forEach(staleEvidence::remove);
        return drained;
    }

    /**
     * How long each dead node took to go, for the nodes that went since the last call, and
     * for nodes not gone while they should have been (their time then is -1). Nodes revived
     * before going count as not gone.
     */
    List<Long> drainDisappearances() {
        long now = System.nanoTime();
        List<Long> times = new ArrayList<>();
        for (Death death : deaths.values()) {
            if (death.reported) {
                continue;
            }
            if (death.gone && death.goneAt < death.until) {
                death.reported = true;
                times.add((death.goneAt - death.died) / 1_000_000);
            } else if (now > death.deadline && (death.until < now || death.until == Long.MAX_VALUE)) {
                death.reported = true;
                times.add(-1L);
            }
        }
        deaths.values().removeIf(d -> d.reported && d.until != Long.MAX_VALUE);
        return times;
    }

    private void poll() {
        while (!closed) {
            long before = System.nanoTime();
            Map<String, String> seen = null;
            try {
                seen = Snapshot.of(registry.getService(service));
            } catch (RegistryException | IllegalStateException e) {
                // down, or closing: nothing seen
            }
            if (seen != null) {
                long at = System.nanoTime();
                for (Map.Entry<String, Death> entry : deaths.entrySet()) {
                    Death death = entry.getValue();
                    if (before >= death.until) {
                        // revived: its presence is expected again, and when it went is settled
                        continue;
                    }
                    boolean present = seen.containsKey(entry.getKey());
                    // A node seen in an answer to a request sent before the deadline is not late.
                    if (present && before > death.deadline && before < death.until
                            && staleSightings.add(entry.getKey())) {
                        staleEvidence.computeIfAbsent(entry.getKey(), explain);
                    }
                    if (present) {
                        death.gone = false;
                    } else if (!death.gone) {
                        death.gone = true;
                        death.goneAt = at;
                    }
                }
            }
            polls++;
            ServerProcess.pause(POLL);
        }
    }

    /**
     * Waits (at most 5 s) until two more polls have completed, so that what the soak's own
     * check just saw is also in this monitor's record before it is drained.
     */
    void catchUp() {
        long target = polls + 2;
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (polls < target && System.nanoTime() < deadline && poller.isAlive()) {
            ServerProcess.pause(Duration.ofMillis(20));
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
