package io.kubeway.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableTest {

    @Test
    void padsEveryColumnButTheLastToItsWidestCellPlusThreeSpaces() {
        Table table = new Table(List.of("NAME", "TYPE", "AGE"),
                List.of(List.of("web", "ClusterIP", "5s"), List.of("a-longer-name", "LoadBalancer", "2m30s")));

        assertThat(table.render()).isEqualTo(String.join("\n",
                "NAME            TYPE           AGE",
                "web             ClusterIP      5s",
                "a-longer-name   LoadBalancer   2m30s",
                ""));
    }

    @Test
    void columnsAreNeverNarrowerThanTabwritersMinimumOfSix() {
        Table table = new Table(List.of("A", "B"), List.of(List.of("x", "y")));

        assertThat(table.render()).isEqualTo("A     B\nx     y\n");
    }

    @Test
    void anEmptyLastCellLeavesThePaddingOfThePreviousColumn() {
        Table table = new Table(List.of("NAME", "VERSION"), List.of(List.of("node", "")));

        assertThat(table.render()).isEqualTo("NAME   VERSION\nnode   \n");
    }

    @Test
    void cellsAreCutAtLineBreaksAndEscapesAreMadeVisible() {
        assertThat(Table.sanitize("first line\nsecond")).isEqualTo("first line...");
        assertThat(Table.sanitize("a\rb")).isEqualTo("a...");
        assertThat(Table.sanitize("a\fb")).isEqualTo("a...");
        assertThat(Table.sanitize("\u001b[31mred")).isEqualTo("^[[31mred");
        assertThat(Table.sanitize("plain")).isEqualTo("plain");
    }

    @Test
    void widthsCountCharactersNotBytes() {
        Table table = new Table(List.of("NAME", "MSG"), List.of(List.of("héllo-wörld", "x")));

        assertThat(table.render()).isEqualTo("NAME          MSG\nhéllo-wörld   x\n");
    }

    @Test
    void aNamespaceColumnGoesFirst() {
        Table table = new Table(List.of("NAME", "AGE"), List.of(List.of("web", "5s")))
                .withFirstColumn("NAMESPACE", List.of("default"));

        assertThat(table.render()).isEqualTo("NAMESPACE   NAME   AGE\ndefault     web    5s\n");
    }

    @Test
    void rowsMustFitTheHeaders() {
        assertThatThrownBy(() -> new Table(List.of("A", "B"), List.of(List.of("x"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
