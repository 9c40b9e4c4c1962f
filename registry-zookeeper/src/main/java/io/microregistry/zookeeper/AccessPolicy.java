package io.microregistry.zookeeper;

import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Who may do what with the znodes this client creates.
 *
 * <p>Without credentials everything is open ({@code world:anyone} ALL), as go-micro writes
 * it. With digest credentials the creator's identity (ZooKeeper's {@code auth} scheme, i.e.
 * the digest of {@code username:password}) gets ALL, and everyone else gets:
 * <ul>
 *   <li>{@code /micro-registry}: READ and CREATE, so other identities can still add services;</li>
 *   <li>{@code /micro-registry/<service>}: READ only. ZooKeeper checks DELETE on the parent,
 *       so this is what stops others from deleting our nodes; it also means a service's
 *       directory accepts registrations only from the identity that created it, which is
 *       what lets readers trust its records ({@link DirectoryTrust});</li>
 *   <li>{@code /micro-registry/<service>/<node>}: READ only, so others cannot overwrite it.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class AccessPolicy implements ACLProvider {

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final ACL OWNER_ALL = new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS);
    // Not List.of: ZooKeeper asks the list whether it contains null, which List.of rejects.
    private static final List<ACL> ROOT = Collections.unmodifiableList(Arrays.asList(OWNER_ALL,
            new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.CREATE, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
    private static final List<ACL> READ_ONLY_FOR_OTHERS = Collections.unmodifiableList(Arrays.asList(OWNER_ALL,
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));

    private final List<AuthInfo> authInfos;
    private final ZookeeperPaths paths;

    AccessPolicy(ConnectSettings settings) {
        this.paths = settings.paths();
        this.authInfos = settings.authenticated()
                ? List.of(new AuthInfo("digest",
                        (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8)))
                : List.of();
    }

    /** The credentials every session presents. */
    List<AuthInfo> authInfos() {
        return authInfos;
    }

    @Override
    public List<ACL> getDefaultAcl() {
        return authInfos.isEmpty() ? OPEN : READ_ONLY_FOR_OTHERS;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        if (authInfos.isEmpty()) {
            return OPEN;
        }
        return paths.depth(path) == 0 ? ROOT : READ_ONLY_FOR_OTHERS;
    }
}
