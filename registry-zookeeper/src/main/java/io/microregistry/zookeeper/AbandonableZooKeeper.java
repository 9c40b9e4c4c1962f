package io.microregistry.zookeeper;

import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.client.ZKClientConfig;

import java.io.IOException;

/**
 * A ZooKeeper handle that can also be dropped the way a crashed process drops it: threads
 * stopped and socket closed, but no {@code closeSession} sent, so the server keeps the
 * session (and its ephemeral znodes) until the session times out. A plain
 * {@link #close()} afterwards sends nothing either, since the connection is already down.
 *
 * <p>Thread-safe as {@link org.apache.zookeeper.ZooKeeper} is.
 */
@SuppressWarnings("try") // close() throwing InterruptedException is ZooKeeper's signature, not ours
final class AbandonableZooKeeper extends ZooKeeperAdmin {

    AbandonableZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly,
                         ZKClientConfig config) throws IOException {
        super(connectString, sessionTimeout, watcher, canBeReadOnly, config);
    }

    /**
     * The newest transaction id this handle has seen from any server. A server whose own
     * history ends before it refuses this handle's session (it lost data this client saw).
     */
    long lastZxidSeen() {
        return cnxn.getLastZxid();
    }

    /** Stops this handle without telling the server. */
    void abandon() {
        cnxn.disconnect();
    }
}
