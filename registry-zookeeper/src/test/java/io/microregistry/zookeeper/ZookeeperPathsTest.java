package io.microregistry.zookeeper;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ZookeeperPathsTest {

    @Test
    void goMicroLayoutForPlainNames() {
        assertThat(ZookeeperPaths.node("go.micro.srv.greeter", "greeter-1"))
                .isEqualTo("/micro-registry/go.micro.srv.greeter/greeter-1");
        assertThat(ZookeeperPaths.serviceDirectories("go.micro.srv.greeter"))
                .containsExactly("/micro-registry/go.micro.srv.greeter");
        assertThat(ZookeeperPaths.watchRoot("go.micro.srv.greeter")).isEqualTo("/micro-registry/go.micro.srv.greeter");
    }

    @Test
    void namesWithSlashAreWrittenApartFromLookalikesButAlsoLookedUpWhereGoMicroPutsThem() {
        assertThat(ZookeeperPaths.node("a/b", "n/1")).isNotEqualTo(ZookeeperPaths.node("a-b", "n-1"));
        assertThat(ZookeeperPaths.serviceDirectories("a/b")).hasSize(2).contains("/micro-registry/a-b");
        assertThat(ZookeeperPaths.nodeCandidates("a/b", "n/1")).hasSize(2).contains("/micro-registry/a-b/n-1");
        assertThat(ZookeeperPaths.watchRoot("a/b")).isEqualTo(ZookeeperPaths.ROOT);
    }

    @Test
    void pathsZookeeperWouldRejectAreNotCandidates() {
        assertThat(ZookeeperPaths.serviceDirectories("rocket 🚀")).hasSize(1);
        assertThat(ZookeeperPaths.nodeCandidates("rocket 🚀", "n")).hasSize(1);
    }

    @Test
    void depth() {
        assertThat(ZookeeperPaths.depth("/micro-registry")).isZero();
        assertThat(ZookeeperPaths.depth("/micro-registry/s")).isEqualTo(1);
        assertThat(ZookeeperPaths.isNode("/micro-registry/s/n")).isTrue();
        assertThat(ZookeeperPaths.isNode("/micro-registry/s")).isFalse();
        assertThat(ZookeeperPaths.depth("/micro-registryX/s")).isEqualTo(-1);
    }
}
