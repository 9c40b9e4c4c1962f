package io.microregistry.tck;

import io.microregistry.Registry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** One client shared by many threads loses nothing and throws nothing. */
public abstract class ConcurrencyContract extends Contract {

    protected ConcurrencyContract(RegistryFixture fixture) {
        super(fixture);
    }

    private static final int THREADS = 8;
    private static final int PER_THREAD = 100;

    @Test
    @TimeBudget(propagations = 8, extraSeconds = 60)
    void eightThreadsTimesAHundredRegistrationsAreAllVisible() throws Exception {
        String name = uniqueName("concurrent");
        Registry shared = client();
        Registry reader = client();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                        shared.register(service(name, "v" + thread, node("t" + thread + "-n" + i, "127.0.0.1:" + (10000 + i))));
                        if (i % 10 == 0) {
                            shared.getService(name); // reads interleaved with writes
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(); // rethrows anything a thread threw
            }
        } finally {
            pool.shutdownNow();
        }

        await(fixture().propagationBound().plus(Duration.ofSeconds(10))).untilAsserted(() -> {
            assertThat(nodeIds(reader, name)).hasSize(THREADS * PER_THREAD).doesNotHaveDuplicates();
            assertThat(reader.getService(name)).hasSize(THREADS);
        });
    }
}
