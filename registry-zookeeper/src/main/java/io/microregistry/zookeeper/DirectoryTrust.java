package io.microregistry.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which service directories' records a client with credentials believes.
 *
 * <p>A znode's own ACL proves nothing about who wrote it: anyone may create a znode and put
 * any identity into its ACL. What ZooKeeper does enforce is the parent's CREATE permission.
 * So a directory is trusted when every ACL entry that grants CREATE names this client's
 * digest identity, and its ACL was never changed since it was created ({@code aversion} 0:
 * otherwise someone may have added children under an open ACL and closed it afterwards).
 * Then every record in it was written by a client holding these credentials. Directories
 * created by others — another identity, anonymous clients, go-micro (which writes open
 * ACLs) — are not trusted: their records are skipped, with one warning per record key.
 *
 * <p>Without credentials everything is trusted, as go-micro does.
 *
 * <p>Thread-safe.
 */
final class DirectoryTrust {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryTrust.class);
    /** Warned keys kept at most; past that, warnings may repeat (memory stays bounded). */
    private static final int MAX_WARNED = 10_000;

    /** Our digest id ({@code user:base64(sha1)}), or null without credentials. */
    private final String identity;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    DirectoryTrust(ConnectSettings settings) {
        if (!settings.authenticated()) {
            this.identity = null;
            return;
        }
        try {
            this.identity = DigestAuthenticationProvider.generateDigest(settings.username() + ":" + settings.password());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required for ZooKeeper digest authentication", e);
        }
    }

    /** Whether records are checked at all (credentials are configured). */
    boolean enabled() {
        return identity != null;
    }

    /**
     * Whether the directory may hold only records written with our credentials; an absent
     * directory holds nothing and is trusted.
     */
    boolean trusts(CuratorFramework client, String directory) throws Exception {
        if (identity == null) {
            return true;
        }
        Stat stat = new Stat();
        List<ACL> acl;
        try {
            acl = client.getACL().storingStatIn(stat).forPath(directory);
        } catch (KeeperException.NoNodeException e) {
            return true;
        }
        return trusts(acl, stat);
    }

    /** The rule of the class comment, on an ACL already read. */
    boolean trusts(List<ACL> acl, Stat stat) {
        if (identity == null) {
            return true;
        }
        return stat.getAversion() == 0 && acl.stream()
                .filter(entry -> (entry.getPerms() & ZooDefs.Perms.CREATE) != 0)
                .allMatch(entry -> "digest".equals(entry.getId().getScheme()) && identity.equals(entry.getId().getId()));
    }

    /** Logs, once per key, that a record in an untrusted directory is not served. */
    void skipped(String key) {
        if (warned.size() < MAX_WARNED ? warned.add(key) : !warned.contains(key)) {
            LOG.warn("ZooKeeper znode {} ignored: its directory lets identities other than '{}' add records"
                    + " (created by another client, go-micro or anonymously), so it may be forged", key,
                    identity.substring(0, identity.indexOf(':')));
        }
    }
}
