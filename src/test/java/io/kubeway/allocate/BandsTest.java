package io.kubeway.allocate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The static/dynamic band split of KEP-3070 (Service IPs) and KEP-3668 (node ports). */
class BandsTest {
    record CidrCase(String cidr, String firstUsable, String lastUsable, long usable, long staticBand) {
    }

    static Stream<CidrCase> cidrs() {
        return Stream.of(
                // min(max(16, size/16), 256) of the whole CIDR size, capped by the usable addresses
                new CidrCase("127.96.0.0/12", "127.96.0.1", "127.111.255.254", (1 << 20) - 2, 256),
                new CidrCase("10.96.0.0/16", "10.96.0.1", "10.96.255.254", 65534, 256),
                new CidrCase("10.0.0.0/22", "10.0.0.1", "10.0.3.254", 1022, 64),
                new CidrCase("10.0.0.0/24", "10.0.0.1", "10.0.0.254", 254, 16),
                new CidrCase("10.0.0.0/26", "10.0.0.1", "10.0.0.62", 62, 16),
                new CidrCase("10.0.0.0/27", "10.0.0.1", "10.0.0.30", 30, 16),
                new CidrCase("10.0.0.0/28", "10.0.0.1", "10.0.0.14", 14, 0), // 16 addresses or fewer: no band
                new CidrCase("10.0.0.0/30", "10.0.0.1", "10.0.0.2", 2, 0),
                new CidrCase("10.0.0.77/24", "10.0.0.1", "10.0.0.254", 254, 16),
                // IPv6 keeps the last address (there is no broadcast)
                new CidrCase("fd00::/120", "fd00::1", "fd00::ff", 255, 16),
                new CidrCase("fd00::/108", "fd00::1", "fd00::f:ffff", (1 << 20) - 1, 256),
                new CidrCase("fd00::/64", "fd00::1", "fd00::ffff:ffff:ffff:ffff", -1, 256));
    }

    @ParameterizedTest
    @MethodSource("cidrs")
    void serviceCidrBands(CidrCase c) {
        ServiceCidr cidr = ServiceCidr.parse(c.cidr());
        assertThat(cidr.usable().first()).hasToString(c.firstUsable());
        assertThat(cidr.usable().last()).hasToString(c.lastUsable());
        if (c.usable() >= 0) assertThat(cidr.usable().size()).isEqualTo(c.usable());
        assertThat(cidr.staticBand()).isEqualTo(c.staticBand());
    }

    record BadCidr(String cidr, String message) {
    }

    static Stream<BadCidr> badCidrs() {
        return Stream.of(
                new BadCidr("10.0.0.0", "serviceCidr: invalid CIDR \"10.0.0.0\""),
                new BadCidr("10.0.0.0/31", "serviceCidr \"10.0.0.0/31\": the range has no usable addresses"),
                new BadCidr("fd00::/48", "serviceCidr \"fd00::/48\": shortest allowed prefix length for service CIDR is 64, got 48"),
                new BadCidr("fd00::1/128", "serviceCidr \"fd00::1/128\": the range has no usable addresses"));
    }

    @ParameterizedTest
    @MethodSource("badCidrs")
    void rejectsUnusableServiceCidrs(BadCidr c) {
        assertThatThrownBy(() -> ServiceCidr.parse(c.cidr())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(c.message());
    }

    record PortCase(String range, int base, int last, int staticBand) {
    }

    static Stream<PortCase> portRanges() {
        return Stream.of(
                new PortCase("30000-32767", 30000, 32767, 86), // 30000-30085
                new PortCase("30000-30015", 30000, 30015, 0),
                new PortCase("30000-30016", 30000, 30016, 16),
                new PortCase("30000-30999", 30000, 30999, 31),
                new PortCase("1-65535", 1, 65535, 128),
                new PortCase(" 40000 - 40100 ", 40000, 40100, 16),
                new PortCase("31000", 31000, 31000, 0));
    }

    @ParameterizedTest
    @MethodSource("portRanges")
    void nodePortBands(PortCase c) {
        PortRange r = PortRange.parse(c.range());
        assertThat(r.base()).isEqualTo(c.base());
        assertThat(r.last()).isEqualTo(c.last());
        assertThat(r.staticBand()).isEqualTo(c.staticBand());
        assertThat(r).hasToString(c.base() + "-" + c.last());
    }

    static Stream<String> badPortRanges() {
        return Stream.of("", "abc", "0-100", "30000-70000", "32767-30000", "1-2-3", "-5");
    }

    @ParameterizedTest
    @MethodSource("badPortRanges")
    void rejectsBadPortRanges(String text) {
        assertThatThrownBy(() -> PortRange.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("nodePortRange: invalid port range \"" + text + "\"");
    }
}
