package io.microregistry.soak;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Says, for nodes seen on etcd after their deadline, which lease holds each key and what
 * etcd reports of that lease (granted TTL, remaining TTL): whether a stale node sat on a
 * lease that outlived its TTL or on no lease at all is the first question about it, and
 * by the end of the run the evidence is gone.
 *
 * <p>Blocking (a few seconds at most); never throws: a failure becomes the answer's text.
 */
final class EtcdLeaseProbe {
    /** go-micro's etcd layout: {@code /micro/registry/<service>/<node id>}. */
    private static final String PREFIX = "/micro/registry/";

    private EtcdLeaseProbe() {
    }

    static String explain(String address, String service, Collection<String> nodeIds) {
        try (Client client = Client.builder().endpoints("http://" + address).build()) {
            ByteSequence prefix = ByteSequence.from(PREFIX + service + "/", StandardCharsets.UTF_8);
            List<KeyValue> kvs = client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build())
                    .get(5, TimeUnit.SECONDS).getKvs();
            List<String> found = new ArrayList<>();
            for (String id : nodeIds) {
                String suffix = "/" + id;
                KeyValue kv = kvs.stream().filter(k -> k.getKey().toString(StandardCharsets.UTF_8).endsWith(suffix))
                        .findFirst().orElse(null);
                if (kv == null) {
                    found.add(id + ": no key now");
                    continue;
                }
                long lease = kv.getLease();
                if (lease == 0) {
                    found.add(id + ": key on no lease (mod revision " + kv.getModRevision() + ")");
                    continue;
                }
                LeaseTimeToLiveResponse ttl = client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)
                        .get(5, TimeUnit.SECONDS);
                found.add(id + ": lease " + Long.toHexString(lease) + " granted TTL " + ttl.getGrantedTTL()
                        + " s, remaining " + ttl.getTTL() + " s (key mod revision " + kv.getModRevision()
                        + ", create revision " + kv.getCreateRevision() + ")");
            }
            return String.join(", ", found);
        } catch (Exception e) {
            return "lease probe failed: " + e;
        }
    }
}
