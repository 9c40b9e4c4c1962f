package io.microregistry.consul;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.store.ConfigStore;
import io.microregistry.config.store.StoreListing;
import io.microregistry.config.store.StoreWatch;
import io.microregistry.config.store.StoreWatchListener;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The config center in Consul KV: key {@code micro/config/<key>} (go-micro's Consul config
 * root), the raw value bytes, version = ModifyIndex. Compare-and-set is {@code ?cas=} on the
 * ModifyIndex ({@code cas=0}: only if absent); deletes are {@code ?cas=} too, so "whether it
 * existed" is exact. Watches are blocking queries on the prefix ({@code ?recurse&index=}):
 * each answer is a listing the core compares with what it has, so a watch coalesces several
 * writes to one key between two answers into the latest (Consul keeps no history), and
 * resumes after an outage with one listing. The ACL token travels in {@code X-Consul-Token};
 * address and TLS are the registry's ({@link ConsulConnector}, {@link PemTls}).
 *
 * <p>Talks to the agent's HTTP API with OkHttp directly: the Consul client library does not
 * percent-encode KV keys, and config keys may hold any character. Thread-safe; one daemon
 * thread per open watch.
 */
final class ConsulConfigStore implements ConfigStore {
    static final String ROOT = "micro/config/";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final MediaType BYTES = MediaType.get("application/octet-stream");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OkHttpClient http;
    private final OkHttpClient blocking;
    private final HttpUrl base;
    private final String token;
    private final String agent;
    private final AtomicBoolean closed = new AtomicBoolean();

    @JsonIgnoreProperties(ignoreUnknown = true)
    record KvPair(@JsonProperty("Key") String key, @JsonProperty("Value") String value,
                  @JsonProperty("ModifyIndex") long modifyIndex) {
    }

    private ConsulConfigStore(OkHttpClient http, Duration timeout, HttpUrl base, String token, String agent) {
        this.http = http;
        this.blocking = http.newBuilder().readTimeout(WAIT.plus(WAIT.dividedBy(16)).plus(timeout))
                .callTimeout(WAIT.plus(WAIT.dividedBy(16)).plus(timeout)).build();
        this.base = base;
        this.token = token;
        this.agent = agent;
    }

    static ConsulConfigStore open(RegistryConfig config) {
        ConsulConnector connector = new ConsulConnector(config);
        String described = connector.describe(); // scheme://host:port[,host:port...], validated
        String scheme = described.substring(0, described.indexOf("://"));
        String first = described.substring(scheme.length() + 3).split(",")[0];
        HttpUrl base = HttpUrl.get(scheme + "://" + first + "/v1/kv/");
        Duration timeout = config.timeout();
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout).callTimeout(timeout);
        if (config.tls()) {
            PemTls tls = PemTls.load(config.tlsCa(), config.tlsCert(), config.tlsKey());
            builder.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
        }
        return new ConsulConfigStore(builder.build(), timeout, base, config.token(), scheme + "://" + first);
    }

    private HttpUrl.Builder url(String key) {
        HttpUrl.Builder b = base.newBuilder();
        for (String segment : (ROOT + key).split("/", -1)) {
            b.addPathSegment(segment); // percent-encodes; an empty last segment keeps the trailing '/'
        }
        return b;
    }

    private Request.Builder request(HttpUrl url) {
        Request.Builder b = new Request.Builder().url(url);
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        return b;
    }

    private record Answer(int status, byte[] body, long index) {
    }

    private Answer call(OkHttpClient client, Request request, String action, AtomicReference<Call> holder) {
        if (closed.get()) {
            throw new IllegalStateException("the Consul config client is closed");
        }
        Call call = client.newCall(request);
        if (holder != null) {
            holder.set(call);
        }
        try (Response response = call.execute()) {
            byte[] body = response.body() == null ? new byte[0] : response.body().bytes();
            String index = response.header("X-Consul-Index");
            Answer answer = new Answer(response.code(), body, index == null ? 0 : Long.parseLong(index));
            if (answer.status == 200 || answer.status == 404) {
                return answer;
            }
            String detail = new String(body, java.nio.charset.StandardCharsets.UTF_8).trim();
            if (answer.status == 401 || answer.status == 403) {
                throw new RegistryAuthenticationException("Consul agent " + agent + " refused to " + action + " (HTTP "
                        + answer.status + "): " + (token == null ? "no ACL token is configured: set MICRO_REGISTRY_TOKEN"
                        : "the ACL token (MICRO_REGISTRY_TOKEN) lacks key permission on " + ROOT) + ". Consul said: "
                        + detail, null);
            }
            if (answer.status >= 500 || answer.status == 429) {
                throw new RegistryUnavailableException("Consul agent " + agent + " is unavailable (HTTP " + answer.status
                        + ") while trying to " + action + ": " + detail, null);
            }
            throw new RegistryException("Consul agent " + agent + " rejected the request to " + action + " (HTTP "
                    + answer.status + "): " + detail);
        } catch (IOException e) {
            throw new RegistryUnavailableException("Consul agent " + agent + " could not be reached while trying to "
                    + action + ": " + e, e);
        }
    }

    private static List<ConfigEntry> entries(Answer answer) {
        if (answer.status == 404 || answer.body.length == 0) {
            return List.of();
        }
        try {
            List<KvPair> pairs = JSON.readValue(answer.body, new TypeReference<List<KvPair>>() { });
            List<ConfigEntry> entries = new ArrayList<>();
            for (KvPair p : pairs) {
                if (!p.key().startsWith(ROOT) || p.key().endsWith("/")) {
                    continue; // folder markers written by the Consul UI carry no value
                }
                byte[] value = p.value() == null ? new byte[0] : Base64.getDecoder().decode(p.value());
                entries.add(new ConfigEntry(p.key().substring(ROOT.length()), value, p.modifyIndex(), p.modifyIndex()));
            }
            return entries;
        } catch (IOException | IllegalArgumentException e) {
            throw new RegistryException("Consul answered a KV read with something that is not a KV listing", e);
        }
    }

    @Override
    public String name() {
        return ConsulRegistryProvider.NAME;
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        return entries(call(http, request(url(key).build()).get().build(), "read config " + key, null)).stream()
                .filter(e -> e.key().equals(key)).findFirst();
    }

    @Override
    public StoreListing list(String prefix) {
        Answer answer = call(http, request(url(prefix).addQueryParameter("recurse", "true").build()).get().build(),
                "list config " + prefix, null);
        return new StoreListing(entries(answer), answer.index);
    }

    private boolean write(String key, byte[] value, Long cas, String action) {
        HttpUrl.Builder url = url(key);
        if (cas != null) {
            url.addQueryParameter("cas", Long.toString(cas));
        }
        Answer answer = call(http, request(url.build()).put(RequestBody.create(value, BYTES)).build(), action, null);
        return "true".equals(new String(answer.body, java.nio.charset.StandardCharsets.UTF_8).trim());
    }

    @Override
    public void put(String key, byte[] value) {
        if (!write(key, value, null, "write config " + key)) {
            throw new RegistryException("Consul agent " + agent + " did not store config " + key);
        }
    }

    @Override
    public boolean putIfVersion(String key, byte[] value, long version) {
        if (version <= 0) {
            return false; // cas=0 means "only if absent"; that is putIfAbsent's job
        }
        return write(key, value, version, "compare-and-set config " + key);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        return write(key, value, 0L, "create config " + key);
    }

    @Override
    public boolean delete(String key) {
        while (true) {
            Optional<ConfigEntry> current = get(key);
            if (current.isEmpty()) {
                return false;
            }
            Answer answer = call(http, request(url(key).addQueryParameter("cas", Long.toString(current.get().version()))
                    .build()).delete().build(), "delete config " + key, null);
            if ("true".equals(new String(answer.body, java.nio.charset.StandardCharsets.UTF_8).trim())) {
                return true;
            }
            // Changed between our read and the delete: read again, so "whether it existed" stays exact.
        }
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Call> inFlight = new AtomicReference<>();
        Thread thread = new DaemonThreads("micro-config-consul-watch").newThread(() -> {
            long index = 0; // the first read does not block: it is the resume listing
            boolean first = true;
            while (!done.get()) {
                Answer answer;
                try {
                    HttpUrl.Builder url = url(prefix).addQueryParameter("recurse", "true");
                    if (index > 0) {
                        url.addQueryParameter("index", Long.toString(index))
                                .addQueryParameter("wait", WAIT.toSeconds() + "s");
                    }
                    answer = call(index > 0 ? blocking : http, request(url.build()).get().build(),
                            "watch config " + prefix, inFlight);
                } catch (RuntimeException e) {
                    if (done.compareAndSet(false, true)) {
                        listener.onTrouble(e instanceof RegistryException r ? r
                                : new RegistryUnavailableException("Consul config watch of " + prefix + " failed", e));
                    }
                    return;
                }
                if (done.get()) {
                    return;
                }
                if (first || answer.index != index) {
                    listener.onListing(new StoreListing(entries(answer), answer.index));
                }
                if (first) {
                    listener.onCurrent();
                    first = false;
                }
                // An index that went backwards (a restarted agent) or is 0 restarts the blocking from scratch.
                index = answer.index > 0 ? answer.index : 1;
            }
        });
        thread.start();
        return () -> {
            done.set(true);
            Call call = inFlight.get();
            if (call != null) {
                call.cancel();
            }
        };
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
