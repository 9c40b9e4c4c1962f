package io.microregistry.consul;

import io.microregistry.Backoff;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.option.ConsistencyMode;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.QueryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Consul blocking query run over and over: ask with the last index, wait up to
 * {@link #WAIT} for a change, hand each answer to the caller. It follows Consul's rules for
 * blocking queries: an index that goes backwards (agent restarted, snapshot restored) or any
 * failure resets it to 0, so the next answer is a full, fresh read; an index below 1 is never
 * sent; failures back off; and answers that come back at once without a new index (a proxy
 * or agent that does not block) are paced, so the loop never spins.
 *
 * <p>Not thread-safe: one thread runs {@link #next()}; {@link #stop()} may be called from any
 * thread and ends any pause at once (the caller cancels the HTTP call itself).
 *
 * @param <T> the answer type
 */
final class BlockingQuery<T> {
    private static final Logger LOG = LoggerFactory.getLogger(BlockingQuery.class);
    /** How long Consul holds one query open when nothing changes. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** An answer that came back sooner than this with the same index did not block. */
    private static final Duration NOT_BLOCKING = Duration.ofMillis(50);

    /**
     * Every read, blocking or not, is {@code ?consistent}: right after a server restart the
     * default mode answers from a state store that is still replaying its raft log, where a node
     * dead for minutes can be passing again (measured: {@code ConsulAgentCrashTest}); a consistent
     * read is answered only by a leader that has applied everything it committed.
     */
    static final QueryOptions CONSISTENT = ImmutableQueryOptions.builder()
            .consistencyMode(ConsistencyMode.CONSISTENT).build();

    private final String what;
    private final Function<QueryOptions, ConsulResponse<T>> query;
    private final Backoff backoff;
    private final java.util.function.Consumer<Exception> health;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private BigInteger index = BigInteger.ZERO;
    private int failures;
    private int quickRepeats;
    private boolean failing;

    BlockingQuery(String what, Function<QueryOptions, ConsulResponse<T>> query, Backoff backoff) {
        this(what, query, backoff, failure -> { });
    }

    /**
     * @param health told once per change of state: the failure that started a streak of failures,
     *               then null once the query answers again
     */
    BlockingQuery(String what, Function<QueryOptions, ConsulResponse<T>> query, Backoff backoff,
                  java.util.function.Consumer<Exception> health) {
        this.what = what;
        this.query = query;
        this.backoff = backoff;
        this.health = health;
    }

    /**
     * The next answer: the first call reads at once, later calls block until Consul has a newer
     * index or {@link #WAIT} passes. Returns null once stopped. Retries failures forever (with
     * backoff) unless {@code throwFirstFailure} is set and no answer has come yet, in which case
     * the failure is thrown (used to establish a watch).
     */
    T next(boolean throwFirstFailure) {
        while (!isStopped()) {
            long start = System.nanoTime();
            BigInteger asked = index;
            try {
                ConsulResponse<T> response = query.apply(options(asked));
                BigInteger answered = response.getIndex() == null ? BigInteger.ZERO : response.getIndex();
                if (answered.compareTo(asked) < 0) {
                    LOG.info("Consul index of {} went backwards ({} -> {}); reading it afresh", what, asked, answered);
                    index = BigInteger.ZERO;
                } else {
                    index = answered.signum() > 0 ? answered : BigInteger.ONE;
                }
                if (failing) {
                    LOG.info("{} answers again", what);
                    failing = false;
                    health.accept(null);
                }
                failures = 0;
                pace(asked, answered, start);
                return response.getResponse();
            } catch (Exception e) {
                // Exception, not RuntimeException: the client rethrows an interrupt (stop() destroys the
                // client, which interrupts the call) as an undeclared InterruptedException.
                if (isStopped()) {
                    return null;
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    stop();
                    return null;
                }
                if (throwFirstFailure) {
                    throw e instanceof RuntimeException runtime ? runtime : new ConsulException(e);
                }
                if (!failing) {
                    LOG.warn("{} failed ({}); retrying with backoff", what, e.getMessage());
                    failing = true;
                    health.accept(e);
                }
                // After any failure read afresh: the agent may have restarted with a new, lower index,
                // and a query holding the old one would block until WAIT passes.
                index = BigInteger.ZERO;
                pause(backoff.delay(failures++));
            }
        }
        return null;
    }

    /** Ends the loop: {@link #next} returns null from now on. */
    void stop() {
        stopped.countDown();
    }

    boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private QueryOptions options(BigInteger asked) {
        if (asked.signum() <= 0) {
            return CONSISTENT;
        }
        return ImmutableQueryOptions.builder().consistencyMode(ConsistencyMode.CONSISTENT)
                .wait(WAIT.toSeconds() + "s").index(asked).build();
    }

    private void pace(BigInteger asked, BigInteger answered, long startNanos) {
        boolean blocked = asked.signum() > 0;
        boolean quick = System.nanoTime() - startNanos < NOT_BLOCKING.toNanos();
        if (blocked && quick && answered.equals(asked)) {
            pause(backoff.delay(quickRepeats++));
        } else {
            quickRepeats = 0;
        }
    }

    private void pause(Duration delay) {
        try {
            stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }
}
