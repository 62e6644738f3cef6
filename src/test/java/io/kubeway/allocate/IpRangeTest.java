package io.kubeway.allocate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpRangeTest {
    record Valid(String text, String first, String last, long size, String printed) {
    }

    static Stream<Valid> valid() {
        return Stream.of(
                new Valid("192.168.10.0/24", "192.168.10.0", "192.168.10.255", 256, "192.168.10.0/24"),
                new Valid("192.168.10.7/30", "192.168.10.4", "192.168.10.7", 4, "192.168.10.4/30"), // host bits dropped
                new Valid("10.0.0.1/32", "10.0.0.1", "10.0.0.1", 1, "10.0.0.1/32"),
                new Valid("192.168.10.10-192.168.10.20", "192.168.10.10", "192.168.10.20", 11,
                        "192.168.10.10-192.168.10.20"),
                new Valid("10.0.0.0 - 10.0.0.3", "10.0.0.0", "10.0.0.3", 4, "10.0.0.0/30"), // spaces around ends
                new Valid("10.0.0.5-10.0.0.5", "10.0.0.5", "10.0.0.5", 1, "10.0.0.5/32"),
                new Valid("fd00:1::/120", "fd00:1::", "fd00:1::ff", 256, "fd00:1::/120"),
                new Valid("fd00::10-fd00::1f", "fd00::10", "fd00::1f", 16, "fd00::10/124"));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesCidrsAndRanges(Valid c) {
        IpRange r = IpRange.parse(c.text());
        assertThat(r.first()).hasToString(c.first());
        assertThat(r.last()).hasToString(c.last());
        assertThat(r.size()).isEqualTo(c.size());
        assertThat(r).hasToString(c.printed());
    }

    record Invalid(String text, String message) {
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("10.0.0.0", "invalid CIDR \"10.0.0.0\""),
                new Invalid("10.0.0.300/24", "invalid CIDR \"10.0.0.300/24\""),
                new Invalid("10.0.0.0/33", "invalid CIDR \"10.0.0.0/33\""),
                new Invalid("10.0.0.0/", "invalid CIDR \"10.0.0.0/\""),
                new Invalid("fd00::/129", "invalid CIDR \"fd00::/129\""),
                new Invalid("10.0.0.x-10.0.0.9", "invalid IP range \"10.0.0.x-10.0.0.9\": invalid start IP \"10.0.0.x\""),
                new Invalid("10.0.0.1-", "invalid IP range \"10.0.0.1-\": invalid end IP \"\""),
                new Invalid("10.0.0.1-10.0.0.2-10.0.0.3",
                        "invalid IP range \"10.0.0.1-10.0.0.2-10.0.0.3\": invalid end IP \"10.0.0.2-10.0.0.3\""),
                new Invalid("10.0.0.9-10.0.0.1",
                        "invalid IP range \"10.0.0.9-10.0.0.1\": start IP \"10.0.0.9\" is after the end IP \"10.0.0.1\""),
                new Invalid("10.0.0.1-fd00::1",
                        "invalid IP range \"10.0.0.1-fd00::1\": start and end IPs are of different IP families"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsBadInputWithMetalLbWording(Invalid c) {
        assertThatThrownBy(() -> IpRange.parse(c.text())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(c.message());
    }

    @Test
    void containsOnlyItsOwnFamilyAndBounds() {
        IpRange r = IpRange.parse("10.0.0.8/29");
        assertThat(r.contains(IpAddress.parse("10.0.0.8"))).isTrue();
        assertThat(r.contains(IpAddress.parse("10.0.0.15"))).isTrue();
        assertThat(r.contains(IpAddress.parse("10.0.0.16"))).isFalse();
        assertThat(r.contains(IpAddress.parse("10.0.0.7"))).isFalse();
        assertThat(r.contains(IpAddress.parse("::a00:8"))).isFalse();
    }
}
