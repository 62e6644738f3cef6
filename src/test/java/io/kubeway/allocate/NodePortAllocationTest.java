package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.kubeway.allocate.Runs.run;
import static io.kubeway.allocate.TestServices.allocator;
import static io.kubeway.allocate.TestServices.service;
import static org.assertj.core.api.Assertions.assertThat;

class NodePortAllocationTest {
    private final Allocator defaults = allocator();
    private final Allocator small = allocator("10.0.0.0/24", "30000-30019"); // static band 30000-30015

    @Test
    void dynamicPortsComeFromTheUpperBandOfTheDefaultRange() {
        Service[] services = IntStream.range(0, 50).mapToObj(i -> service("s" + i, s -> s.nodePort().port(80)))
                .toArray(Service[]::new);
        Runs r = run(defaults, services);
        List<Integer> ports = IntStream.range(0, 50).mapToObj(i -> r.nodePorts("s" + i).get(0)).toList();
        assertThat(ports).allMatch(p -> p >= 30086 && p <= 32767).doesNotHaveDuplicates();
    }

    @Test
    void portChoiceIsDeterministic() {
        // 30086 + (FNV-1a("default/web/TCP/80") mod 2682), computed independently; a regression guard
        Runs r = run(defaults, service("web", s -> s.loadBalancer().local().port(80)));
        assertThat(r.nodePorts("web")).containsExactly(31068);
        assertThat(r.get("web").getSpec().getHealthCheckNodePort()).isEqualTo(32531);
    }

    @Test
    void theStaticBandIsUsedOnceTheUpperBandIsFull() {
        Service[] services = IntStream.range(0, 21).mapToObj(i -> service("s" + i, s -> s.nodePort().port(80)))
                .toArray(Service[]::new);
        Runs r = run(small, services);
        List<Integer> ports = IntStream.range(0, 20).mapToObj(i -> r.nodePorts("s" + i).get(0)).toList();
        assertThat(ports.subList(0, 4)).containsExactlyInAnyOrder(30016, 30017, 30018, 30019);
        assertThat(ports.subList(4, 20)).allMatch(p -> p >= 30000 && p <= 30015).doesNotHaveDuplicates();
        assertThat(r.accepted("s20")).isEmpty();
        assertThat(r.messages()).containsExactly("Internal error occurred: failed to allocate a nodePort: range is full");
    }

    record Rejection(String name, Service service, String message) {
    }

    static Stream<Rejection> rejections() {
        return Stream.of(
                new Rejection("below the range", service("web", s -> s.nodePort().port(80, "TCP", 8080)),
                        "Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not "
                                + "in the valid range. The range of valid ports is 30000-32767"),
                new Rejection("second port above the range", service("web", s -> s.nodePort().port(80).port(81, "TCP", 40000)),
                        "Service \"web\" is invalid: spec.ports[1].nodePort: Invalid value: 40000: provided port is not "
                                + "in the valid range. The range of valid ports is 30000-32767"),
                new Rejection("health check port out of range",
                        service("web", s -> s.loadBalancer().local().healthCheckNodePort(80).port(80)),
                        "Service \"web\" is invalid: spec.healthCheckNodePort: Invalid value: 80: failed to allocate "
                                + "requested HealthCheck NodePort 80: provided port is not in the valid range. The range of "
                                + "valid ports is 30000-32767"),
                new Rejection("health check port equal to a node port",
                        service("web", s -> s.loadBalancer().local().healthCheckNodePort(30080).port(80, "TCP", 30080)),
                        "Service \"web\" is invalid: spec.healthCheckNodePort: Invalid value: 30080: failed to allocate "
                                + "requested HealthCheck NodePort 30080: provided port is already allocated"));
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void invalidExplicitPortsAreRejected(Rejection c) {
        Runs r = run(defaults, c.service());
        assertThat(r.accepted("web")).isEmpty();
        assertThat(r.messages()).containsExactly(c.message());
    }

    @Test
    void explicitPortsAreHonouredAndTakenOnesRejectTheNewcomer() {
        Runs first = run(defaults, service("web", s -> s.nodePort().port(80, "TCP", 30080)));
        assertThat(first.nodePorts("web")).containsExactly(30080);
        Runs r = run(defaults, first.next(), service("thief", s -> s.nodePort().port(8080, "TCP", 30080)),
                service("web", s -> s.nodePort().port(80, "TCP", 30080)));
        assertThat(r.nodePorts("web")).containsExactly(30080);
        assertThat(r.accepted("thief")).isEmpty();
        assertThat(r.messages()).containsExactly(
                "Service \"thief\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
    }

    @Test
    void oneServiceMayUseANumberForSeveralProtocols() {
        Runs r = run(defaults,
                service("dns", s -> s.nodePort().port(53, "UDP", 30053).port(53, "TCP", 30053)),
                service("auto", s -> s.nodePort().port(53, "UDP").port(53, "TCP")));
        assertThat(r.nodePorts("dns")).containsExactly(30053, 30053);
        assertThat(r.allocation("dns").nodePorts()).isEqualTo(Map.of("UDP/53", 30053, "TCP/53", 30053));
        // on create, ports with the same number share one node port, as the API server's initNodePorts does
        assertThat(r.nodePorts("auto").get(0)).isEqualTo(r.nodePorts("auto").get(1));
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aNumberBelongsToOneServiceEvenForAnotherProtocol() {
        // the API server's port allocator is not protocol-aware across Services (kubernetes#91404)
        Runs r = run(defaults, service("tcp", s -> s.nodePort().port(80, "TCP", 30080)),
                service("udp", s -> s.nodePort().port(80, "UDP", 30080)));
        assertThat(r.accepted("udp")).isEmpty();
        assertThat(r.messages()).containsExactly(
                "Service \"udp\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
    }

    @Test
    void previousPortsAreKeptByProtocolAndPort() {
        Runs first = run(defaults, service("web", s -> s.nodePort().port(80).port(443)));
        List<Integer> ports = first.nodePorts("web");
        // reordered ports and a new one: 80 and 443 keep theirs, 8080 gets a new one
        Runs r = run(defaults, first.next(), service("web", s -> s.nodePort().port(8080).port(443).port(80)));
        assertThat(r.nodePorts("web").subList(1, 3)).containsExactly(ports.get(1), ports.get(0));
        assertThat(r.nodePorts("web").get(0)).isNotIn(ports);
    }

    @Test
    void aRejectedEditKeepsTheLastAcceptedPortsAndTakesNothing() {
        Runs first = run(defaults, service("other", s -> s.nodePort().port(90, "TCP", 30090)),
                service("web", s -> s.nodePort().port(80, "TCP", 30080).port(81, "TCP", 30081)));
        // the edit asks for other's port for 81: rejected, web keeps 30080 and 30081, other keeps 30090
        Runs r = run(defaults, first.next(), List.of(),
                new Candidate(service("web", s -> s.nodePort().port(80, "TCP", 30080).port(81, "TCP", 30090)),
                        first.get("web"), "web.yaml"),
                new Candidate(service("other", s -> s.nodePort().port(90, "TCP", 30090)), null, "other.yaml"));
        assertThat(r.nodePorts("web")).containsExactly(30080, 30081);
        assertThat(r.nodePorts("other")).containsExactly(30090);
        assertThat(r.next()).isEqualTo(first.next());
        assertThat(r.messages()).containsExactly("Service \"web\" is invalid: spec.ports[1].nodePort: Invalid value: "
                + "30090: provided port is already allocated");
    }

    @Test
    void loadBalancerNodePortsFollowAllocateLoadBalancerNodePorts() {
        Runs r = run(defaults,
                service("lb", s -> s.loadBalancer().port(80)),
                service("noports", s -> s.loadBalancer().allocateLoadBalancerNodePorts(false).port(80)),
                service("explicit", s -> s.loadBalancer().allocateLoadBalancerNodePorts(false).port(80).port(81, "TCP", 30081)));
        assertThat(r.nodePorts("lb").get(0)).isBetween(30086, 32767);
        assertThat(r.nodePorts("noports")).containsOnlyNulls();
        assertThat(r.nodePorts("explicit")).containsExactly(null, 30081);
    }

    @Test
    void healthCheckNodePortForLocalLoadBalancers() {
        Runs r = run(defaults,
                service("local", s -> s.loadBalancer().local().port(80)),
                service("explicit", s -> s.loadBalancer().local().healthCheckNodePort(30999).port(80)),
                service("cluster", s -> s.loadBalancer().port(80)));
        Integer hc = r.get("local").getSpec().getHealthCheckNodePort();
        assertThat(hc).isBetween(30086, 32767).isNotEqualTo(r.nodePorts("local").get(0));
        assertThat(r.allocation("local").healthCheckNodePort()).isEqualTo(hc);
        assertThat(r.get("explicit").getSpec().getHealthCheckNodePort()).isEqualTo(30999);
        assertThat(r.get("cluster").getSpec().getHealthCheckNodePort()).isNull();

        Runs again = run(defaults, r.next(), service("local", s -> s.loadBalancer().local().port(80)),
                service("explicit", s -> s.loadBalancer().local().healthCheckNodePort(30998).port(80)));
        assertThat(again.get("local").getSpec().getHealthCheckNodePort()).isEqualTo(hc);
        assertThat(again.messages()).containsExactly("Service \"explicit\" is invalid: spec.healthCheckNodePort: "
                + "Invalid value: 30998: cannot change healthCheckNodePort on loadBalancer service with "
                + "externalTraffic=Local during update");
    }

    @Test
    void changingToClusterIpReleasesNodePorts() {
        Runs first = run(defaults, service("web", s -> s.loadBalancer().local().port(80, "TCP", 30080)));
        Integer hc = first.get("web").getSpec().getHealthCheckNodePort();
        Runs r = run(defaults, first.next(), service("web", s -> s.port(80)),
                service("newcomer", s -> s.nodePort().port(80, "TCP", 30080).port(81, "TCP", hc)));
        assertThat(r.nodePorts("web")).containsOnlyNulls();
        assertThat(r.get("web").getSpec().getHealthCheckNodePort()).isNull();
        assertThat(r.allocation("web").nodePorts()).isEmpty();
        assertThat(r.nodePorts("newcomer")).containsExactly(30080, hc);
    }

    @Test
    void allPortsOfAFullRangeAreDistinct() {
        List<Service> services = new ArrayList<>();
        IntStream.range(0, 10).forEach(i -> services.add(service("s" + i, s -> s.nodePort().port(80).port(81))));
        Runs r = run(small, services.toArray(Service[]::new));
        HashSet<Integer> all = new HashSet<>();
        IntStream.range(0, 10).forEach(i -> all.addAll(r.nodePorts("s" + i)));
        assertThat(all).hasSize(20);
    }
}
