package io.microregistry.consul;

import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.async.ConsulResponseCallback;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.agent.FullService;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.QueryOptions;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Looks up who holds a Consul service ID on the agent, before this client writes the ID.
 *
 * <p>Asks {@code GET /v1/agent/service/:id}, which costs the agent the same whatever the number
 * of services it holds, several IDs at once in parallel. The listing with a filter
 * ({@code /v1/agent/services?filter=ID == ...}) is used only for IDs that cannot be put in a URL
 * path as they are (see {@link #addressable}): the agent evaluates that filter over every
 * service it holds, so its cost grows with the agent (about 0.7 ms with 300 services, 2.3 ms
 * with 1,600, on the benchmark machine, against 0.2 to 0.4 ms for the direct lookup).
 *
 * <p>The synchronous {@code AgentClient.getService} is not used because it reports every failure
 * (unreachable, 403) as "not registered"; the asynchronous one reports the real failure, so a
 * 404 (free) is told apart from trouble.
 *
 * <p>Thread-safe. Each call blocks for at most about twice the configured timeout; failures are
 * thrown as the client's {@link RuntimeException}s, for {@link ConsulFailures} to translate.
 */
final class AgentServices {
    private final Consul consul;
    private final Duration bound;

    /**
     * @param consul  the client to ask with (its executor runs the parallel lookups)
     * @param timeout the per-call timeout the client was built with
     */
    AgentServices(Consul consul, Duration timeout) {
        this.consul = consul;
        // The call's own connect/read timeouts end it first; this only guards against a lost callback.
        this.bound = timeout.multipliedBy(2).plusSeconds(1);
    }

    /** Who holds {@code id} on the agent, or null if it is free. */
    IdHolder holderOf(String id) {
        return holdersOf(id).get(id);
    }

    /** Who holds each of {@code ids} on the agent; free IDs are absent from the map. */
    Map<String, IdHolder> holdersOf(String... ids) {
        Map<String, CompletableFuture<IdHolder>> pending = new LinkedHashMap<>();
        Map<String, IdHolder> holders = new HashMap<>();
        for (String id : ids) {
            if (addressable(id)) {
                pending.put(id, ask(id));
            }
        }
        try {
            for (String id : ids) {
                IdHolder holder = pending.containsKey(id) ? await(pending.get(id)) : filtered(id);
                if (holder != null) {
                    holders.put(id, holder);
                }
            }
        } catch (RuntimeException e) {
            // Nobody will read the other answers: drop them. The HTTP calls themselves cannot be
            // cancelled through the client's callback API; its read timeout ends them.
            pending.values().forEach(answer -> answer.cancel(true));
            throw e;
        }
        return holders;
    }

    /**
     * Whether the agent reads {@code id} back unchanged from a URL path: the HTTP server
     * cleans paths (empty, {@code .} and {@code ..} segments are redirected elsewhere) and the
     * client refuses {@code .}/{@code ..} path values, so such IDs are looked up by filter.
     */
    static boolean addressable(String id) {
        if (id.isEmpty()) {
            return false;
        }
        for (String segment : id.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private CompletableFuture<IdHolder> ask(String id) {
        CompletableFuture<IdHolder> answer = new CompletableFuture<>();
        consul.agentClient().getService(id, QueryOptions.BLANK, new ConsulResponseCallback<>() {
            @Override
            public void onComplete(ConsulResponse<FullService> response) {
                FullService service = response.getResponse();
                answer.complete(service == null ? null
                        : IdHolder.of(service.getService(), service.getId(), service.getTags()));
            }

            @Override
            public void onFailure(Throwable failure) {
                if (ConsulFailures.status(failure) == 404) {
                    answer.complete(null);
                } else {
                    answer.completeExceptionally(failure);
                }
            }
        });
        return answer;
    }

    private IdHolder await(CompletableFuture<IdHolder> answer) {
        try {
            return answer.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ConsulException("agent service lookup failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new ConsulException("no answer to an agent service lookup within " + bound, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsulException("interrupted while looking up an agent service", e);
        }
    }

    /** The lookup by filtered listing, for IDs that cannot be in a path. Costs grow with the agent. */
    private IdHolder filtered(String id) {
        QueryOptions query;
        if (id.indexOf('`') < 0) {
            query = ImmutableQueryOptions.builder().filter("ID == `" + id + "`").build();
        } else if (id.indexOf('"') < 0 && id.indexOf('\\') < 0) {
            query = ImmutableQueryOptions.builder().filter("ID == \"" + id + "\"").build();
        } else {
            // Consul 1.8 filter strings have no escapes: ask for all and pick.
            query = QueryOptions.BLANK;
        }
        org.kiwiproject.consul.model.health.Service service = consul.agentClient().getServices(query).get(id);
        return service == null ? null : IdHolder.of(service.getService(), service.getId(), service.getTags());
    }
}
