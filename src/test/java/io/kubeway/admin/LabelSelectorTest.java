package io.kubeway.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front", "kubeway.io/managed", "true");

    record Case(String selector, Map<String, String> labels, boolean matches) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("", WEB, true),
                new Case(null, Map.of(), true),
                new Case("app=web", WEB, true),
                new Case("app==web", WEB, true),
                new Case("app = web", WEB, true),
                new Case("app=db", WEB, false),
                new Case("app!=db", WEB, true),
                new Case("app!=web", WEB, false),
                // as in Kubernetes, != also matches objects that lack the label
                new Case("zone!=a", WEB, true),
                new Case("app=web,tier=front", WEB, true),
                new Case("app=web,tier=back", WEB, false),
                new Case("tier", WEB, true),
                new Case("zone", WEB, false),
                new Case("!zone", WEB, true),
                new Case("!tier", WEB, false),
                new Case("kubeway.io/managed=true", WEB, true),
                new Case("app=", Map.of("app", ""), true),
                new Case("app=web", null, false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesLikeKubernetes(Case c) {
        assertThat(LabelSelector.parse(c.selector()).matches(c.labels())).isEqualTo(c.matches());
    }

    static Stream<String> unsupported() {
        return Stream.of("app in (web,db)", "app notin (web)", "app=web,", "=web", "app=we b", "a=b=c", "!");
    }

    @ParameterizedTest
    @MethodSource("unsupported")
    void rejectsWhatItCannotReadRatherThanMisreadingIt(String selector) {
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unable to parse requirement");
    }
}
