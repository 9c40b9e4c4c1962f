package io.microregistry.backend;

import io.microregistry.RegistrationRules;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The record-size rule, the one rule of {@link RegistrationRules} that needs the JSON codec. */
@Timeout(30)
class RecordSizeTest {

    @Test
    void wholeRecordIsLimited() {
        Service.Builder big = Service.builder("x").node("n", "a:1");
        for (int i = 0; i < 20; i++) {
            big.metadata("k" + i, "v".repeat(16000));
        }
        assertThatThrownBy(() -> StoreRegistry.checkRecordSizes(big.build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record of node n")
                .hasMessageContaining(String.valueOf(RegistrationRules.MAX_RECORD_BYTES));
    }

    @Test
    void aRecordWithinTheLimitPasses() {
        assertThatCode(() -> StoreRegistry.checkRecordSizes(Service.builder("x").node("n", "a:1").build()))
                .doesNotThrowAnyException();
    }
}
