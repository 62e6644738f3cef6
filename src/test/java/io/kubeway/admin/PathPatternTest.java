package io.kubeway.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PathPatternTest {
    private static final String NAMED = "/api/v1/namespaces/{namespace}/services/{name}";

    record Case(String template, String path, Optional<Map<String, String>> vars) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("/healthz", "/healthz", Optional.of(Map.of())),
                new Case("/healthz", "/healthz/", Optional.empty()),
                new Case("/healthz", "/readyz", Optional.empty()),
                new Case(NAMED, "/api/v1/namespaces/default/services/web",
                        Optional.of(Map.of("namespace", "default", "name", "web"))),
                new Case(NAMED, "/api/v1/namespaces/default/services", Optional.empty()),
                new Case(NAMED, "/api/v1/namespaces//services/web", Optional.empty()),
                new Case(NAMED, "/api/v1/namespaces/default/endpoints/web", Optional.empty()),
                new Case(NAMED, "/api/v1/namespaces/default/services/web/status", Optional.empty()),
                new Case("/api/v1/services", "/api//v1/services", Optional.empty()),
                new Case("/api/v1/services", "api/v1/services", Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesSegmentBySegment(Case c) {
        assertThat(PathPattern.of(c.template()).match(c.path())).isEqualTo(c.vars());
    }
}
