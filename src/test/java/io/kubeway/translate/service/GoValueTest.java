package io.kubeway.translate.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad values printed as Go's {@code %#v} and {@code %q} print them. */
class GoValueTest {
    record Case(String name, GoValue value, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a string slice", GoValue.strings(List.of("10.96.0.10", "fd00::10")),
                        "[]string{\"10.96.0.10\", \"fd00::10\"}"),
                new Case("an empty string slice is nil", GoValue.strings(List.of()), "[]string(nil)"),
                new Case("IP families", GoValue.ipFamilies(List.of("IPv6")), "[]core.IPFamily{\"IPv6\"}"),
                new Case("the duplicate-port key", GoValue.servicePortKey("UDP", 53),
                        "core.ServicePort{Name:\"\", Protocol:\"UDP\", AppProtocol:(*string)(nil), Port:53,"
                                + " TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"),
                new Case("quotes and backslashes are escaped", GoValue.strings(List.of("a\"b\\c")),
                        "[]string{\"a\\\"b\\\\c\"}"),
                new Case("control characters are escaped", GoValue.strings(List.of("a\tb\u0001\u0085")),
                        "[]string{\"a\\tb\\x01\\u0085\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsLikeGo(Case c) {
        assertThat(c.value()).hasToString(c.expected());
    }
}
