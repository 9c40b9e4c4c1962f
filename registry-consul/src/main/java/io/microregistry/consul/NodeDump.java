package io.microregistry.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microregistry.Service;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.option.QueryOptions;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole catalog in one read: {@code GET /v1/internal/ui/nodes?consistent} (Consul's node
 * dump, every node with its services and checks, the endpoint the Consul UI follows), plain or
 * as a blocking query. One answer carries what one health query per service would, so a client
 * follows every service with one connection; the answer's index covers nodes, services and
 * checks, so any change of any record (tags, address, health) wakes it.
 *
 * <p>Why an internal endpoint: Consul 1.8 has no public health read across services, and a
 * health query per service costs one held connection each (the agent refuses a client past
 * {@code limits.http_max_conns_per_client}, 200 by default).
 *
 * <p>Passing is decided as the health endpoint's {@code ?passing} decides it: every check of
 * the node and of the service is {@code passing}. Decoding reuses the record of an entry whose
 * Consul content did not change: every answer carries every node, and re-decoding the go-micro
 * tags (hex, zlib, JSON) of all of them on each change cost about 0.8 ms per answer at 220
 * nodes in the propagation benchmark; comparing the raw strings is much cheaper, and the same
 * record instance makes the watchers' diff short-circuit too.
 *
 * <p>Thread-safe for {@link #read}; {@link #decode} is for one thread (the feed's).
 */
final class NodeDump {
    /** One answer: its index and the passing entries. */
    record Answer(BigInteger index, List<Entry> entries) {
    }

    /** A passing agent service as Consul holds it. */
    record Entry(String consulNode, String consulName, String id, String address, int port, List<String> tags,
                 Map<String, String> meta) {
        String key() {
            return consulNode + '\u0000' + id;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OkHttpClient http;
    private final HttpUrl base;
    private final String token;
    private final GoMicroTags.Warnings warnings;
    private volatile Call inFlight;
    private Map<Entry, Service> decoded = Map.of();

    NodeDump(OkHttpClient http, HttpUrl base, String token, GoMicroTags.Warnings warnings) {
        this.http = http;
        this.base = base;
        this.token = token;
        this.warnings = warnings;
    }

    /** One read; with {@code options} carrying an index, a blocking one. Throws the client's exceptions. */
    ConsulResponse<Answer> read(QueryOptions options) {
        HttpUrl.Builder url = base.newBuilder().addPathSegments("v1/internal/ui/nodes").addQueryParameter("consistent", "");
        options.getIndex().ifPresent(index -> url.addQueryParameter("index", index.toString()));
        options.getWait().ifPresent(wait -> url.addQueryParameter("wait", wait));
        Request.Builder request = new Request.Builder().url(url.build()).get();
        if (token != null) {
            request.header("X-Consul-Token", token);
        }
        Call call = http.newCall(request.build());
        inFlight = call;
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            if (!response.isSuccessful()) {
                throw new ConsulException(response.code(), retrofit2.Response.error(response.code(),
                        ResponseBody.create(text, null)));
            }
            String header = response.header("X-Consul-Index");
            BigInteger index = header == null ? BigInteger.ZERO : new BigInteger(header);
            return new ConsulResponse<>(new Answer(index, parse(JSON.readTree(text))), 0, true, index,
                    Optional.empty());
        } catch (IOException e) {
            throw new ConsulException("Consul node dump " + base + " failed: " + e, e);
        } finally {
            inFlight = null;
        }
    }

    /** Cancels a read in flight, if any (it then throws). */
    void cancel() {
        Call call = inFlight;
        if (call != null) {
            call.cancel();
        }
    }

    private static List<Entry> parse(JsonNode nodes) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode node : nodes) {
            String consulNode = node.path("Node").asText("");
            Map<String, Boolean> passing = new HashMap<>();
            boolean nodePassing = true;
            for (JsonNode check : node.path("Checks")) {
                boolean ok = "passing".equals(check.path("Status").asText());
                String serviceId = check.path("ServiceID").asText("");
                if (serviceId.isEmpty()) {
                    nodePassing &= ok;
                } else {
                    passing.merge(serviceId, ok, Boolean::logicalAnd);
                }
            }
            if (!nodePassing) {
                continue;
            }
            for (JsonNode service : node.path("Services")) {
                String id = service.path("ID").asText("");
                if (!passing.getOrDefault(id, true)) {
                    continue;
                }
                List<String> tags = new ArrayList<>();
                service.path("Tags").forEach(t -> tags.add(t.asText()));
                Map<String, String> meta = new LinkedHashMap<>();
                service.path("Meta").fields().forEachRemaining(f -> meta.put(f.getKey(), f.getValue().asText()));
                entries.add(new Entry(consulNode, service.path("Service").asText(""), id,
                        service.path("Address").asText(""), service.path("Port").asInt(0), List.copyOf(tags),
                        Map.copyOf(meta)));
            }
        }
        return entries;
    }

    /**
     * The records of an answer: service name -> (entry key -> record), only entries that
     * {@link ServiceRecords#belongs} to the name their Consul name decodes to.
     */
    Map<String, Map<String, Service>> decode(Answer answer) {
        Map<String, Map<String, Service>> view = new HashMap<>();
        Map<Entry, Service> now = new HashMap<>();
        for (Entry entry : answer.entries()) {
            String name = ConsulIds.name(entry.consulName());
            if (name == null || !ServiceRecords.belongs(name, entry.consulName(), entry.id(), warnings)) {
                continue;
            }
            Service record = decoded.get(entry);
            if (record == null) {
                record = ServiceRecords.record(entry.consulName(), entry.id(), entry.address(), entry.port(),
                        entry.tags(), entry.meta(), entry.consulNode(), warnings);
            }
            now.put(entry, record);
            view.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(entry.key(), record);
        }
        decoded = now;
        return view;
    }
}
