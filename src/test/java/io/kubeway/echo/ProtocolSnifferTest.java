package io.kubeway.echo;

import io.kubeway.echo.ProtocolSniffer.Verdict;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolSnifferTest {
    record Case(String first, Verdict verdict) {
        @Override
        public String toString() {
            return "\"" + first + "\" -> " + verdict;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("GET / HTTP/1.1\r\n", Verdict.HTTP),
                new Case("OPTIONS * HTTP/1.1", Verdict.HTTP),
                new Case("DELETE ", Verdict.HTTP),
                new Case("PATCH /x", Verdict.HTTP),
                new Case("G", Verdict.UNDECIDED),
                new Case("POS", Verdict.UNDECIDED),
                new Case("CONNECT", Verdict.UNDECIDED),
                new Case("GETX", Verdict.RAW),
                new Case("get / HTTP/1.1", Verdict.RAW), // methods are case-sensitive
                new Case("hello", Verdict.RAW),
                new Case("\u0016\u0003\u0001", Verdict.RAW), // a TLS ClientHello
                new Case("", Verdict.UNDECIDED));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void classifies(Case c) {
        assertThat(ProtocolSniffer.classify(Unpooled.copiedBuffer(c.first(), StandardCharsets.ISO_8859_1)))
                .isEqualTo(c.verdict());
    }
}
