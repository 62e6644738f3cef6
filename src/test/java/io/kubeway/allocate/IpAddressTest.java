package io.kubeway.allocate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpAddressTest {
    record Parse(String text, String canonical, boolean ipv6) {
    }

    static Stream<Parse> valid() {
        return Stream.of(
                new Parse("0.0.0.0", "0.0.0.0", false),
                new Parse("127.96.0.1", "127.96.0.1", false),
                new Parse("255.255.255.255", "255.255.255.255", false),
                new Parse("::", "::", true),
                new Parse("::1", "::1", true),
                new Parse("1::", "1::", true),
                new Parse("FD00:0:0:0:0:0:0:1", "fd00::1", true),
                new Parse("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", true), // first longest run wins a tie
                new Parse("2001:0db8:0000:0001:0000:0000:0000:0001", "2001:db8:0:1::1", true),
                new Parse("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", true), // a single zero group stays
                new Parse("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", true),
                new Parse("::ffff:10.0.0.1", "::ffff:a00:1", true));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesAndPrintsCanonically(Parse c) {
        IpAddress a = IpAddress.parse(c.text());
        assertThat(a.toString()).isEqualTo(c.canonical());
        assertThat(a.ipv6()).isEqualTo(c.ipv6());
        assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    }

    static Stream<String> invalid() {
        return Stream.of("", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1.2.3.4 ",
                "localhost", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::", ":1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7:", "fe80::1%eth0", "::1.2.3", "1.2.3.4::", "g::1");
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNonLiterals(String text) {
        assertThat(IpAddress.tryParse(text)).isNull();
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid IP address");
    }

    record Buggy(String ip, boolean buggy) {
    }

    static Stream<Buggy> buggy() {
        return Stream.of(new Buggy("10.0.0.0", true), new Buggy("10.0.0.255", true), new Buggy("10.0.1.1", false),
                new Buggy("10.0.0.254", false), new Buggy("fd00::ff", false), new Buggy("fd00::", false));
    }

    @ParameterizedTest
    @MethodSource("buggy")
    void knowsAddressesThatConfuseBuggyFirmware(Buggy c) {
        assertThat(IpAddress.parse(c.ip()).confusesBuggyFirmware()).isEqualTo(c.buggy());
    }

    @org.junit.jupiter.api.Test
    void arithmeticStaysInTheFamily() {
        assertThat(IpAddress.parse("10.0.0.255").plus(BigInteger.ONE)).hasToString("10.0.1.0");
        assertThat(IpAddress.parse("fd00::ffff").plus(BigInteger.ONE)).hasToString("fd00::1:0");
        assertThatThrownBy(() -> IpAddress.parse("255.255.255.255").plus(BigInteger.ONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(IpAddress.parse("10.0.0.1")).isLessThan(IpAddress.parse("10.0.0.2"))
                .isLessThan(IpAddress.parse("::1"));
    }
}
