package io.kubeway.allocate;

import io.kubeway.core.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.kubeway.allocate.Pools.resource;
import static org.assertj.core.api.Assertions.assertThat;

class IpPoolTest {
    @Test
    void readsAddressesAndFlags() {
        ParsedPool parsed = IpPool.fromResource(resource("""
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: public, namespace: metallb-system}
                spec:
                  addresses: [192.168.10.0/24, 192.168.9.1-192.168.9.5, "fd00:1::/120"]
                  autoAssign: false
                  avoidBuggyIPs: true
                """), "pools.yaml");
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.pool()).isEqualTo(new IpPool("public", java.util.List.of(IpRange.parse("192.168.10.0/24"),
                IpRange.parse("192.168.9.1-192.168.9.5"), IpRange.parse("fd00:1::/120")), false, true));
    }

    @Test
    void flagsDefaultAsInMetalLb() {
        ParsedPool parsed = IpPool.fromResource(resource("""
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p}
                spec: {addresses: [10.0.0.0/30]}
                """), null);
        assertThat(parsed.pool()).isNotNull();
        assertThat(parsed.pool().autoAssign()).isTrue();
        assertThat(parsed.pool().avoidBuggyIPs()).isFalse();
    }

    record Bad(String name, String spec, String message) {
    }

    static Stream<Bad> bad() {
        String prefix = "IPAddressPool \"p\" is invalid: ";
        return Stream.of(
                new Bad("bad CIDR", "{addresses: [10.0.0.0/24, 10.0.0.300/24]}", prefix
                        + "spec.addresses[1]: Invalid value: \"10.0.0.300/24\": invalid CIDR \"10.0.0.300/24\""),
                new Bad("reversed range", "{addresses: [10.0.0.9-10.0.0.1]}", prefix
                        + "spec.addresses[0]: Invalid value: \"10.0.0.9-10.0.0.1\": invalid IP range "
                        + "\"10.0.0.9-10.0.0.1\": start IP \"10.0.0.9\" is after the end IP \"10.0.0.1\""),
                new Bad("not a string", "{addresses: [12]}", prefix
                        + "spec.addresses[0]: Invalid value: \"12\": must be a string"),
                new Bad("no addresses", "{autoAssign: true}", prefix
                        + "spec.addresses: Required value: pool has no prefixes defined"),
                new Bad("empty addresses", "{addresses: []}", prefix
                        + "spec.addresses: Required value: pool has no prefixes defined"),
                new Bad("two errors", "{addresses: [x], autoAssign: yes-please}", prefix
                        + "[spec.addresses[0]: Invalid value: \"x\": invalid CIDR \"x\", "
                        + "spec.autoAssign: Invalid value: \"yes-please\": must be a boolean]"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void badPoolsAreUnusableAndNameObjectFileAndField(Bad c) {
        ParsedPool parsed = IpPool.fromResource(resource("""
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p, namespace: metallb-system}
                spec: %s
                """.formatted(c.spec())), "pools.yaml");
        assertThat(parsed.pool()).isNull();
        assertThat(parsed.problems()).singleElement().satisfies(p -> {
            assertThat(p.object().toString()).isEqualTo("IPAddressPool metallb-system/p");
            assertThat(p.source()).isEqualTo("pools.yaml");
            assertThat(p.reason()).isEqualTo("Invalid");
            assertThat(p.message()).isEqualTo(c.message());
        });
    }

    @Test
    void ownsRespectsAvoidBuggyIps() {
        IpPool avoiding = Pools.pool("a", true, true, "10.0.0.0/24");
        assertThat(avoiding.owns(IpAddress.parse("10.0.0.0"))).isFalse();
        assertThat(avoiding.owns(IpAddress.parse("10.0.0.255"))).isFalse();
        assertThat(avoiding.owns(IpAddress.parse("10.0.0.1"))).isTrue();
        assertThat(Pools.pool("b", "10.0.0.0/24").owns(IpAddress.parse("10.0.0.0"))).isTrue();
    }

    @Test
    void problemIsAWarning() {
        ParsedPool parsed = IpPool.fromResource(resource("""
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p}
                spec: {addresses: [nope]}
                """), null);
        assertThat(parsed.problems()).allMatch(Problem::warning);
    }
}
