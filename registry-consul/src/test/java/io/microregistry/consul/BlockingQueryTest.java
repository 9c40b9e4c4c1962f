package io.microregistry.consul;

import io.microregistry.Backoff;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.option.QueryOptions;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The blocking-query loop's rules, on scripted answers (the loop's own logic; the real agent
 * is exercised by the TCK and the restart test).
 */
class BlockingQueryTest {
    private static final Backoff FAST = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400));

    /** Answers from a script and records the index each call asked with (null = non-blocking). */
    private static final class Script implements Function<QueryOptions, ConsulResponse<String>> {
        final Deque<Object> answers = new ArrayDeque<>();
        final List<BigInteger> asked = new CopyOnWriteArrayList<>();

        Script answer(long index) {
            answers.add(BigInteger.valueOf(index));
            return this;
        }

        Script fail() {
            answers.add(new ConsulException("scripted failure"));
            return this;
        }

        @Override
        public ConsulResponse<String> apply(QueryOptions options) {
            asked.add(options.getIndex().orElse(null));
            Object next = answers.isEmpty() ? asked.get(asked.size() - 1) : answers.poll();
            if (next instanceof RuntimeException e) {
                throw e;
            }
            BigInteger index = next == null ? BigInteger.ONE : (BigInteger) next;
            return new ConsulResponse<>("at " + index, 0, true, index, Optional.empty());
        }
    }

    @Test
    void followsTheIndexAndResetsWhenItGoesBackwards() {
        Script script = new Script().answer(10).answer(12).answer(5).answer(6);
        BlockingQuery<String> query = new BlockingQuery<>("test", script, FAST);

        assertThat(query.next(true)).isEqualTo("at 10");
        assertThat(query.next(false)).isEqualTo("at 12");
        assertThat(query.next(false)).isEqualTo("at 5");
        assertThat(query.next(false)).isEqualTo("at 6");

        // First read non-blocking, then each index answered; after going backwards, a fresh read.
        assertThat(script.asked).containsExactly(null, BigInteger.valueOf(10), BigInteger.valueOf(12), null);
    }

    @Test
    void neverAsksWithAnIndexBelowOne() {
        Script script = new Script().answer(0).answer(3);
        BlockingQuery<String> query = new BlockingQuery<>("test", script, FAST);

        query.next(true);
        query.next(false);

        assertThat(script.asked).containsExactly(null, BigInteger.ONE);
    }

    @Test
    void aFailureIsRetriedWithBackoffAndFollowedByAFreshRead() {
        Script script = new Script().answer(7).fail().fail().answer(9);
        BlockingQuery<String> query = new BlockingQuery<>("test", script, FAST);
        query.next(true);

        long start = System.nanoTime();
        assertThat(query.next(false)).isEqualTo("at 9");

        // Two backoff pauses of at least half their ceilings: 50 ms + 100 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(script.asked).containsExactly(null, BigInteger.valueOf(7), null, null);
    }

    @Test
    void theFirstFailureIsThrownWhenAsked() {
        BlockingQuery<String> query = new BlockingQuery<>("test", new Script().fail(), FAST);

        assertThatThrownBy(() -> query.next(true)).isInstanceOf(ConsulException.class);
    }

    @Test
    void answersThatDoNotBlockArePacedNotSpun() {
        // An "agent" that answers at once with the same index every time.
        Script script = new Script().answer(4);
        BlockingQuery<String> query = new BlockingQuery<>("test", script, FAST);
        query.next(true);

        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            query.next(false);
        }

        // Paced by the backoff: at least 50 + 100 + 200 + 200 ms for four repeats.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(550));
        assertThat(script.asked).hasSize(5);
    }

    @Test
    void stopEndsAPauseAtOnce() throws Exception {
        Script script = new Script().answer(4).fail();
        BlockingQuery<String> query = new BlockingQuery<>("test", script,
                new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)));
        query.next(true);
        CompletableFuture<String> pending = CompletableFuture.supplyAsync(() -> query.next(false));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> script.asked.size() == 2);

        query.stop();

        // The failure put the loop in a pause of 15-30 s; stop ends it.
        assertThat(pending.get(5, TimeUnit.SECONDS)).isNull();
    }
}
