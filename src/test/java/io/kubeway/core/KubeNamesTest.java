package io.kubeway.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The two upstream wordings of the same syntax stay apart: util/validation ("characters") vs content ("bytes"). */
class KubeNamesTest {
    record Case(String name, Function<String, List<String>> check, String value, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String longName = "a".repeat(64);
        String longPrefix = "a".repeat(254) + "/x";
        return Stream.of(
                new Case("qualifiedName: name too long", KubeNames::qualifiedName, longName,
                        List.of("name part must be no more than 63 characters")),
                new Case("labelKey: name too long", KubeNames::labelKey, longName,
                        List.of("name part must be no more than 63 bytes")),
                new Case("qualifiedName: prefix too long", KubeNames::qualifiedName, longPrefix,
                        List.of("prefix part must be no more than 253 characters")),
                new Case("labelKey: prefix too long", KubeNames::labelKey, longPrefix,
                        List.of("prefix part must be no more than 253 bytes")),
                new Case("validLabelValue: too long", KubeNames::validLabelValue, longName,
                        List.of("must be no more than 63 characters")),
                new Case("labelValue: too long", KubeNames::labelValue, longName,
                        List.of("must be no more than 63 bytes")),
                new Case("dns1123Label: lengths in UTF-8 bytes", v -> KubeNames.dns1123Label(v).subList(0, 1),
                        "é".repeat(32), List.of("must be no more than 63 characters")),
                new Case("dns1123Label: dots", KubeNames::dns1123Label, "a.b", List.of("must not contain dots")),
                new Case("qualifiedName: two slashes", v -> List.of(KubeNames.qualifiedName(v).get(0)
                        .substring(0, 17)), "a/b/c", List.of("a qualified name ")),
                new Case("labelKey: two slashes", v -> List.of(KubeNames.labelKey(v).get(0).substring(0, 18)),
                        "a/b/c", List.of("a valid label key ")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void wordsEachCheckAsUpstream(Case c) {
        assertThat(c.check().apply(c.value())).containsExactlyElementsOf(c.expected());
    }
}
