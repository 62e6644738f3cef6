package io.kubeway.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The class flags of {@code kubeway run}: {@code --controller-class} (repeatable) and {@code --ingress-class-by-name}. */
class RunCommandClassTest {
    @Test
    void controllerClassIsRepeatableAndValidatedAsSpecController() {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("-f", "x", "--controller-class", "k8s.io/ingress-nginx",
                "--controller-class", "example.com/ingress", "--ingress-class-by-name");
        assertThat(run.controllerClasses()).containsExactly("k8s.io/ingress-nginx", "example.com/ingress");
        assertThat(run.ingressClassByName).isTrue();

        RunCommand none = new RunCommand();
        new CommandLine(none).parseArgs("-f", "x");
        assertThat(none.controllerClasses()).isEmpty();
        assertThat(none.ingressClassByName).isFalse();

        for (String bad : List.of("ingress-nginx", "k8s.io/", "Bad_Domain/x")) {
            RunCommand r = new RunCommand();
            new CommandLine(r).parseArgs("-f", "x", "--controller-class", bad);
            assertThatThrownBy(r::controllerClasses).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--controller-class: Invalid value: ");
        }
    }
}
