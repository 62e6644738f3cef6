package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.Protocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.kubeway.translate.endpoints.Fixtures.endpoint;
import static io.kubeway.translate.endpoints.Fixtures.port;
import static io.kubeway.translate.endpoints.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointSelectionTest {
    private static final List<EndpointPort> HTTP = List.of(port("http", 8080, "TCP"));

    /**
     * @param expected the chosen endpoints as {@code ip:port target}; empty means "refuse connections"
     */
    record Case(String name, List<EndpointSlice> slices, String portName, Protocol protocol, boolean localOnly,
                List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("ready preferred over serving-terminating", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.2", true, true, false, null),
                        endpoint("10.0.0.1", false, true, true, null),
                        endpoint("10.0.0.3", false, false, false, null)))),
                        "http", Protocol.TCP, false, List.of("10.0.0.2:8080 10.0.0.2")),
                new Case("no ready: serving-terminating fallback", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.2", false, true, true, null),
                        endpoint("10.0.0.1", false, true, true, null),
                        endpoint("10.0.0.3", false, false, true, null),
                        endpoint("10.0.0.4", false, true, false, null)))),
                        "http", Protocol.TCP, false, List.of("10.0.0.1:8080 10.0.0.1", "10.0.0.2:8080 10.0.0.2")),
                new Case("nothing usable", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.3", false, false, true, null)))),
                        "http", Protocol.TCP, false, List.of()),
                new Case("unset conditions: ready", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.1", null, null, null, null)))),
                        "http", Protocol.TCP, false, List.of("10.0.0.1:8080 10.0.0.1")),
                new Case("local only keeps this node's and unset nodes", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.1", true, true, false, "node-a"),
                        endpoint("10.0.0.2", true, true, false, "node-b"),
                        endpoint("10.0.0.3", true, true, false, null)))),
                        "http", Protocol.TCP, true, List.of("10.0.0.1:8080 10.0.0.1", "10.0.0.3:8080 10.0.0.3")),
                new Case("local only falls back among local endpoints only", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.1", false, true, true, "node-a"),
                        endpoint("10.0.0.2", true, true, false, "node-b")))),
                        "http", Protocol.TCP, true, List.of("10.0.0.1:8080 10.0.0.1")),
                new Case("local only, no local endpoint", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.2", true, true, false, "node-b")))),
                        "http", Protocol.TCP, true, List.of()),
                new Case("unnamed port: missing and empty names match \"\"", List.of(
                        slice("s1", "IPv4", List.of(port(null, 80, null)), List.of(
                                endpoint("10.0.0.1", true, true, false, null))),
                        slice("s2", "IPv4", List.of(port("", 81, "TCP")), List.of(
                                endpoint("10.0.0.2", true, true, false, null))),
                        slice("s3", "IPv4", HTTP, List.of(endpoint("10.0.0.3", true, true, false, null)))),
                        "", Protocol.TCP, false, List.of("10.0.0.1:80 10.0.0.1", "10.0.0.2:81 10.0.0.2")),
                new Case("protocol mismatch", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.1", true, true, false, null)))),
                        "http", Protocol.UDP, false, List.of()),
                new Case("port name mismatch", List.of(slice("s1", "IPv4", HTTP, List.of(
                        endpoint("10.0.0.1", true, true, false, null)))),
                        "https", Protocol.TCP, false, List.of()),
                new Case("same ip:port in two slices is one endpoint; the ready copy wins", List.of(
                        slice("a", "IPv4", HTTP, List.of(endpoint("10.0.0.1", false, true, true, null))),
                        slice("b", "IPv4", HTTP, List.of(endpoint("10.0.0.1", true, true, false, null),
                                endpoint("10.0.0.2", true, true, false, null)))),
                        "http", Protocol.TCP, false, List.of("10.0.0.1:8080 10.0.0.1", "10.0.0.2:8080 10.0.0.2")),
                new Case("same ip:port with a local and a remote copy: local wins", List.of(
                        slice("a", "IPv4", HTTP, List.of(endpoint("10.0.0.1", true, true, false, "node-b"))),
                        slice("b", "IPv4", HTTP, List.of(endpoint("10.0.0.1", false, true, true, "node-a")))),
                        "http", Protocol.TCP, true, List.of("10.0.0.1:8080 10.0.0.1")),
                new Case("same ip, different target ports are different endpoints", List.of(
                        slice("a", "IPv4", List.of(port("http", 8080, "TCP")), List.of(
                                endpoint("10.0.0.1", true, true, false, null))),
                        slice("b", "IPv4", List.of(port("http", 9090, "TCP")), List.of(
                                endpoint("10.0.0.1", true, true, false, null)))),
                        "http", Protocol.TCP, false, List.of("10.0.0.1:8080 10.0.0.1", "10.0.0.1:9090 10.0.0.1")),
                new Case("sorted numerically, IPv4 before IPv6, canonical IPv6", List.of(
                        slice("v6", "IPv6", HTTP, List.of(endpoint("2001:db8::1", true, true, false, null))),
                        slice("v4", "IPv4", HTTP, List.of(endpoint("10.0.0.10", true, true, false, null),
                                endpoint("10.0.0.9", true, true, false, null)))),
                        "http", Protocol.TCP, false,
                        List.of("10.0.0.9:8080 10.0.0.9", "10.0.0.10:8080 10.0.0.10", "[2001:db8::1]:8080 2001:db8::1")),
                new Case("FQDN slices, bad addresses, wrong family and port 0 are skipped", List.of(
                        slice("f", "FQDN", HTTP, List.of(endpoint("db.example.com", true, true, false, null))),
                        slice("x", "IPv4", HTTP, List.of(endpoint("nope", true, true, false, null),
                                endpoint("2001:db8::1", true, true, false, null))),
                        slice("z", "IPv4", List.of(port("http", 0, "TCP")), List.of(
                                endpoint("10.0.0.1", true, true, false, null)))),
                        "http", Protocol.TCP, false, List.of()),
                new Case("target is the pod when targetRef is set", List.of(slice("s1", "IPv4", HTTP, List.of(
                        new EndpointBuilder().withAddresses("10.0.0.1").withNewTargetRef().withKind("Pod")
                                .withName("web-1").endTargetRef().build()))),
                        "http", Protocol.TCP, false, List.of("10.0.0.1:8080 ns1/web-1")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void chooses(Case c) {
        List<String> got = EndpointSelection.usable(c.slices, c.portName, c.protocol, c.localOnly, "node-a").stream()
                .map(e -> (e.ip() instanceof java.net.Inet6Address ? "[" + IpLiterals.format(e.ip()) + "]"
                        : IpLiterals.format(e.ip())) + ":" + e.port() + " " + e.target()).toList();
        assertThat(got).containsExactlyElementsOf(c.expected);
    }
}
