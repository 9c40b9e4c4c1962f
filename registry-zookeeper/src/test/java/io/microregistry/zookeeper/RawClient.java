package io.microregistry.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A plain Curator client for tests: what another program (go-micro, an operator) would use. */
final class RawClient {
    private RawClient() {
    }

    /** A started, connected client; {@code userPassword} null for anonymous. */
    static CuratorFramework connect(String connectString, String userPassword) throws InterruptedException {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(15_000)
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryOneTime(100));
        if (userPassword != null) {
            builder.authorization("digest", userPassword.getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework client = builder.build();
        client.start();
        if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("raw client could not connect to " + connectString);
        }
        return client;
    }
}
