package io.microregistry.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableTest {

    @Test
    void alignsColumnsToTheWidestCellAndShowsEmptyCellsAsADash() {
        StringWriter text = new StringWriter();
        new Table("SERVICE", "VERSION", "NODES")
                .row("greeter", "1.0", 3)
                .row("a-much-longer-name", "", 12)
                .print(new PrintWriter(text), "  ");

        assertThat(text.toString().lines()).containsExactly(
                "  SERVICE             VERSION  NODES",
                "  greeter             1.0      3",
                "  a-much-longer-name  -        12");
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 cells");
    }
}
