package io.kubeway.translate.service;

import static io.kubeway.translate.service.TestServices.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;

class ServiceSupportTest {
    record Case(String name, Consumer<Service> manifest, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("TCP only", s -> { }, List.of()),
                new Case("TCP and UDP", s -> ports(s, port("dns", 53, "TCP"), port("dns-udp", 53, "UDP")), List.of()),
                new Case("a named SCTP port", s -> ports(s, port("http", 80, "TCP"), port("sctp", 9000, "SCTP")),
                        List.of("SCTP is not supported by kubeway; port sctp (SCTP/9000) is not proxied")),
                new Case("an unnamed SCTP port", s -> ports(s, port("", 9000, "SCTP")),
                        List.of("SCTP is not supported by kubeway; port (SCTP/9000) is not proxied")),
                new Case("two SCTP ports", s -> ports(s, port("a", 9000, "SCTP"), port("b", 9001, "SCTP")),
                        List.of("SCTP is not supported by kubeway; port a (SCTP/9000) is not proxied",
                                "SCTP is not supported by kubeway; port b (SCTP/9001) is not proxied")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsUnsupportedPorts(Case c) {
        List<Problem> problems = ServiceSupport.unsupported(ServiceDefaults.apply(manifest(c.manifest())), "svc.yaml");
        assertThat(problems).extracting(Problem::message).containsExactlyElementsOf(c.expected());
    }

    @Test
    void aProblemIsAWarningAboutTheServiceAndItsFile() {
        Service svc = ServiceDefaults.apply(manifest(s -> {
            s.getMetadata().setNamespace("team-a");
            ports(s, port("sctp", 9000, "SCTP"));
        }));
        Problem problem = ServiceSupport.unsupported(svc, "manifests/web.yaml").get(0);
        assertThat(problem.object()).isEqualTo(new ObjectRef("Service", "team-a", "web"));
        assertThat(problem.source()).isEqualTo("manifests/web.yaml");
        assertThat(problem.reason()).isEqualTo("ProtocolNotSupported");
        assertThat(problem.warning()).isTrue();
    }

    @Test
    void anSctpPortIsStillValid() {
        Service svc = ServiceDefaults.apply(manifest(s -> ports(s, port("sctp", 9000, "SCTP"))));
        assertThat(ServiceValidation.validate(svc)).isEmpty();
    }
}
