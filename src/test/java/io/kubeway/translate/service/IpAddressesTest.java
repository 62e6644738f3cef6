package io.kubeway.translate.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The parser follows Go 1.16's net.ParseIP / ParseCIDR, which Kubernetes forked as ParseIPSloppy. */
class IpAddressesTest {
    enum Kind { IPV4, IPV6, INVALID }

    record IpCase(String input, Kind kind) {
    }

    record CidrCase(String input, boolean valid) {
    }

    static Stream<IpCase> ips() {
        return Stream.of(
                new IpCase("192.0.2.1", Kind.IPV4),
                new IpCase("010.001.002.003", Kind.IPV4),
                new IpCase("0.0.0.0", Kind.IPV4),
                new IpCase("::ffff:192.0.2.1", Kind.IPV4),
                new IpCase("::", Kind.IPV6),
                new IpCase("::1", Kind.IPV6),
                new IpCase("2001:db8::ffff", Kind.IPV6),
                new IpCase("2001:DB8::FFFF", Kind.IPV6),
                new IpCase("1:2:3:4:5:6:7:8", Kind.IPV6),
                new IpCase("1:2:3:4:5:6:192.0.2.1", Kind.IPV6),
                new IpCase("fe80::1:2", Kind.IPV6),
                new IpCase("", Kind.INVALID),
                new IpCase("web", Kind.INVALID),
                new IpCase("192.0.2", Kind.INVALID),
                new IpCase("192.0.2.1.5", Kind.INVALID),
                new IpCase("256.0.0.1", Kind.INVALID),
                new IpCase(" 192.0.2.1", Kind.INVALID),
                new IpCase("192.0.2.1/32", Kind.INVALID),
                new IpCase("1::2::3", Kind.INVALID),
                new IpCase("1:2:3:4:5:6:7:8:9", Kind.INVALID),
                new IpCase("1:2:3:4:5:6:7::8", Kind.INVALID),
                new IpCase("1:2:3:4:5:192.0.2.1", Kind.INVALID),
                new IpCase("12345::", Kind.INVALID),
                new IpCase("fe80::1%eth0", Kind.INVALID),
                new IpCase("[::1]", Kind.INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ips")
    void parses(IpCase c) {
        byte[] ip = IpAddresses.parse(c.input());
        Kind kind = ip == null ? Kind.INVALID : IpAddresses.isIPv4(ip) ? Kind.IPV4 : Kind.IPV6;
        assertThat(kind).isEqualTo(c.kind());
    }

    static Stream<CidrCase> cidrs() {
        return Stream.of(
                new CidrCase("10.0.0.0/8", true),
                new CidrCase("10.0.0.1/32", true),
                new CidrCase("10.0.0.0/08", true),
                new CidrCase("0.0.0.0/0", true),
                new CidrCase("::/0", true),
                new CidrCase("2001:db8::/128", true),
                new CidrCase("10.0.0.0/33", false),
                new CidrCase("2001:db8::/129", false),
                new CidrCase("10.0.0.0", false),
                new CidrCase("10.0.0.0/", false),
                new CidrCase("10.0.0.0/+8", false),
                new CidrCase("10.0.0.0/8/8", false),
                new CidrCase("/8", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cidrs")
    void parsesCidrs(CidrCase c) {
        assertThat(IpAddresses.isValidCidr(c.input())).isEqualTo(c.valid());
    }
}
