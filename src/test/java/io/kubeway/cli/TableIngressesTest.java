package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** kubectl's Ingress columns (printIngress, formatHosts, formatPorts). */
class TableIngressesTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:05:00Z");

    record Case(String name, Ingress ingress, List<String> row) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no class, one host, no status", base().build(),
                        List.of("web", "<none>", "a.example.com", "", "80", "5m")),
                new Case("class, TLS, status", base().editSpec().withIngressClassName("kubeway")
                        .addNewTl().withHosts("a.example.com").withSecretName("s").endTl().endSpec()
                        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("127.0.0.1").endIngress()
                        .endLoadBalancer().endStatus().build(),
                        List.of("web", "kubeway", "a.example.com", "127.0.0.1", "80, 443", "5m")),
                new Case("more than three hosts", base().editSpec().addNewRule().withHost("b.example.com").endRule()
                        .addNewRule().withHost("c.example.com").endRule().addNewRule().withHost("d.example.com").endRule()
                        .endSpec().build(),
                        List.of("web", "<none>", "a.example.com,b.example.com,c.example.com + 1 more...", "", "80", "5m")),
                new Case("rules without host", new IngressBuilder().withNewMetadata().withName("any")
                        .withCreationTimestamp("2026-11-24T10:00:00Z").endMetadata().withNewSpec().addNewRule().endRule()
                        .endSpec().build(),
                        List.of("any", "<none>", "*", "", "80", "5m")));
    }

    private static IngressBuilder base() {
        return new IngressBuilder().withNewMetadata().withName("web").withCreationTimestamp("2026-11-24T10:00:00Z")
                .endMetadata().withNewSpec().addNewRule().withHost("a.example.com").endRule().endSpec();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void row(Case c) {
        assertThat(new TableIngresses().headers(false)).containsExactly("NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE");
        assertThat(new TableIngresses().row(c.ingress(), false, NOW)).containsExactlyElementsOf(c.row());
    }
}
