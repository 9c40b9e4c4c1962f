package io.microregistry.consul;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AgentServicesTest {

    @Test
    void onlyIdsThatSurviveAUrlPathAreLookedUpDirectly() {
        for (String id : new String[] {"n1", "n1@svc", "n/1", "a.b", "...", "n%2F1", "ü 1", "n1@a/b", "n1@.."}) {
            assertThat(AgentServices.addressable(id)).as(id).isTrue();
        }
        for (String id : new String[] {"", ".", "..", "a/..", "../a", "a/./b", "a//b", "/a", "a/"}) {
            assertThat(AgentServices.addressable(id)).as(id).isFalse();
        }
    }
}
