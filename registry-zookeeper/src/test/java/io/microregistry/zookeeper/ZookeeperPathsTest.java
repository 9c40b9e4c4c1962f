package io.microregistry.zookeeper;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ZookeeperPathsTest {

    @Test
    void goMicroLayoutForPlainNames() {
        assertThat(ZookeeperPaths.DEFAULT.node("go.micro.srv.greeter", "greeter-1"))
                .isEqualTo("/micro-registry/go.micro.srv.greeter/greeter-1");
        assertThat(ZookeeperPaths.DEFAULT.serviceDirectories("go.micro.srv.greeter"))
                .containsExactly("/micro-registry/go.micro.srv.greeter");
        assertThat(ZookeeperPaths.DEFAULT.watchRoot("go.micro.srv.greeter")).isEqualTo("/micro-registry/go.micro.srv.greeter");
    }

    @Test
    void namesWithSlashAreWrittenApartFromLookalikesButAlsoLookedUpWhereGoMicroPutsThem() {
        assertThat(ZookeeperPaths.DEFAULT.node("a/b", "n/1")).isNotEqualTo(ZookeeperPaths.DEFAULT.node("a-b", "n-1"));
        assertThat(ZookeeperPaths.DEFAULT.serviceDirectories("a/b")).hasSize(2).contains("/micro-registry/a-b");
        assertThat(ZookeeperPaths.DEFAULT.nodeCandidates("a/b", "n/1")).hasSize(2).contains("/micro-registry/a-b/n-1");
        assertThat(ZookeeperPaths.DEFAULT.watchRoot("a/b")).isEqualTo(ZookeeperPaths.ROOT);
    }

    @Test
    void pathsZookeeperWouldRejectAreNotCandidates() {
        assertThat(ZookeeperPaths.DEFAULT.serviceDirectories("rocket 🚀")).hasSize(1);
        assertThat(ZookeeperPaths.DEFAULT.nodeCandidates("rocket 🚀", "n")).hasSize(1);
    }

    @Test
    void everySegmentIsAValidZnodeNameAndNoTwoNamesShareOne() {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("a", "a/b", "a-b", "a%2Fb", "%",
                ".", "..", "../x", "//", "a\u0001", "a%01", "a%2501", "x\u007F", "x%7F", "x\u0085", "tab\tname",
                "nul\u0000", "rocket \uD83D\uDE80", "rocket %F0%9F%9A%80", "x?", "\uFFFE", "\uE000", "\u200B\u202E",
                "é", "e\u0301"));
        java.util.Map<String, String> byPath = new java.util.HashMap<>();
        for (String name : names) {
            String path = ZookeeperPaths.DEFAULT.node(name, name);
            org.apache.zookeeper.common.PathUtils.validatePath(path);
            assertThat(byPath.put(path, name)).as("%s collides", name).isNull();
        }
    }

    @Test
    void unpairedSurrogatesAreRefusedNamingTheField() {
        for (String bad : java.util.List.of("x\uD800", "x\uDBFF", "\uDC00y", "a\uD83D")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZookeeperPaths.DEFAULT.node(bad, "n1"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service name");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZookeeperPaths.DEFAULT.node("svc", bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id");
        }
    }

    @Test
    void depth() {
        assertThat(ZookeeperPaths.DEFAULT.depth("/micro-registry")).isZero();
        assertThat(ZookeeperPaths.DEFAULT.depth("/micro-registry/s")).isEqualTo(1);
        assertThat(ZookeeperPaths.DEFAULT.isNode("/micro-registry/s/n")).isTrue();
        assertThat(ZookeeperPaths.DEFAULT.isNode("/micro-registry/s")).isFalse();
        assertThat(ZookeeperPaths.DEFAULT.depth("/micro-registryX/s")).isEqualTo(-1);
    }
}
