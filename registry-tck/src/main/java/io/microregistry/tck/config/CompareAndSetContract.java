package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Compare-and-set: a write at a stale version fails, and of racing writers exactly one wins. */
public abstract class CompareAndSetContract extends ConfigContract {
    private static final int WRITERS = 6;

    protected CompareAndSetContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void putIfAbsentCreatesOnlyOnce() {
        Config client = client();
        assertThat(client.putIfAbsent(key("lock"), utf8("first"))).isTrue();
        assertThat(client.putIfAbsent(key("lock"), utf8("second"))).isFalse();
        assertThat(client.get(key("lock")).map(ConfigEntry::text)).contains("first");
    }

    @Test
    void putIfVersionSucceedsOnlyAtTheCurrentVersion() {
        Config client = client();
        client.put(key("counter"), "1");
        ConfigEntry v1 = client.get(key("counter")).orElseThrow();
        assertThat(client.putIfVersion(key("counter"), utf8("2"), v1.version())).isTrue();
        ConfigEntry v2 = client.get(key("counter")).orElseThrow();
        assertThat(v2.text()).isEqualTo("2");
        assertThat(client.putIfVersion(key("counter"), utf8("stale"), v1.version())).as("write at a stale version").isFalse();
        assertThat(client.get(key("counter")).map(ConfigEntry::text)).contains("2");
        client.delete(key("counter"));
        assertThat(client.putIfVersion(key("counter"), utf8("gone"), v2.version())).as("write at the version of a deleted entry").isFalse();
        assertThat(client.get(key("counter"))).isEmpty();
        assertThat(client.putIfVersion(key("never"), utf8("x"), v2.version())).isFalse();
        assertThat(client.get(key("never"))).isEmpty();
    }

    @Test
    void racingWritersAtOneVersionExactlyOneWins() throws Exception {
        List<Config> clients = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            clients.add(client());
        }
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int round = 0; round < 5; round++) {
                String k = key("race/" + round);
                clients.get(0).put(k, "start");
                long version = clients.get(0).get(k).orElseThrow().version();
                List<Future<Boolean>> results = race(pool, clients, i -> clients.get(i).putIfVersion(k, utf8("writer-" + i), version));
                assertWinner(results, clients.get(0), k);
            }
            for (int round = 0; round < 5; round++) {
                String k = key("race-absent/" + round);
                List<Future<Boolean>> results = race(pool, clients, i -> clients.get(i).putIfAbsent(k, utf8("writer-" + i)));
                assertWinner(results, clients.get(0), k);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private interface Attempt {
        boolean run(int writer);
    }

    private static List<Future<Boolean>> race(ExecutorService pool, List<Config> clients, Attempt attempt) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            int writer = i;
            Callable<Boolean> task = () -> {
                start.await();
                return attempt.run(writer);
            };
            results.add(pool.submit(task));
        }
        start.countDown();
        return results;
    }

    private static void assertWinner(List<Future<Boolean>> results, Config reader, String k) throws Exception {
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).get(30, TimeUnit.SECONDS)) {
                winners.add(i);
            }
        }
        assertThat(winners).as("writers whose compare-and-set on %s succeeded", k).hasSize(1);
        assertThat(reader.get(k).map(ConfigEntry::text)).contains("writer-" + winners.get(0));
    }
}
