package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Cell rules of kubectl's printers that the golden tables of {@link GetCommandTest} do not reach. */
class TableCellsTest {

    record ExternalIpCase(String name, ServiceSpec spec, ServiceStatus status, boolean wide, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static ServiceStatus ingress(LoadBalancerIngress... ingress) {
        return new ServiceStatusBuilder().withNewLoadBalancer().withIngress(ingress).endLoadBalancer().build();
    }

    private static LoadBalancerIngress ip(String ip) {
        return new LoadBalancerIngressBuilder().withIp(ip).build();
    }

    private static LoadBalancerIngress hostname(String hostname) {
        return new LoadBalancerIngressBuilder().withHostname(hostname).build();
    }

    private static ServiceSpec spec(String type, String... externalIps) {
        return new ServiceSpecBuilder().withType(type).withExternalIPs(externalIps).build();
    }

    static Stream<ExternalIpCase> externalIps() {
        return Stream.of(
                new ExternalIpCase("ClusterIP without externalIPs", spec("ClusterIP"), null, false, "<none>"),
                new ExternalIpCase("NodePort with externalIPs", spec("NodePort", "192.0.2.1", "192.0.2.2"), null,
                        false, "192.0.2.1,192.0.2.2"),
                new ExternalIpCase("absent type is ClusterIP", new ServiceSpec(), null, false, "<none>"),
                new ExternalIpCase("LB pending", spec("LoadBalancer"), new ServiceStatus(), false, "<pending>"),
                new ExternalIpCase("LB hostname", spec("LoadBalancer"), ingress(hostname("lb.example.com")), false,
                        "lb.example.com"),
                new ExternalIpCase("LB ip wins over hostname in one entry", spec("LoadBalancer"),
                        ingress(new LoadBalancerIngressBuilder().withIp("192.0.2.9").withHostname("lb.example.com")
                                .build()), false, "192.0.2.9"),
                new ExternalIpCase("LB addresses then externalIPs", spec("LoadBalancer", "198.51.100.7"),
                        ingress(ip("192.0.2.9")), false, "192.0.2.9,198.51.100.7"),
                new ExternalIpCase("LB pending with externalIPs shows only those", spec("LoadBalancer", "198.51.100.7"),
                        null, false, "198.51.100.7"),
                new ExternalIpCase("LB clipped at 16 before externalIPs are added", spec("LoadBalancer", "198.51.100.7"),
                        ingress(ip("192.168.100.200"), ip("192.168.100.201")), false, "192.168.100.2...,198.51.100.7"),
                new ExternalIpCase("LB addresses are distinct and sorted as strings", spec("LoadBalancer"),
                        ingress(ip("10.0.0.2"), ip("1.1.1.1"), ip("10.0.0.2")), true, "1.1.1.1,10.0.0.2"),
                new ExternalIpCase("ExternalName", new ServiceSpecBuilder().withType("ExternalName")
                        .withExternalName("db.example.com").build(), null, false, "db.example.com"),
                new ExternalIpCase("unknown type", spec("Mystery"), null, false, "<unknown>"));
    }

    @ParameterizedTest
    @MethodSource("externalIps")
    void externalIpFollowsKubectl(ExternalIpCase c) {
        assertThat(TableServices.externalIp(c.spec(), c.status(), c.wide())).isEqualTo(c.expected());
    }

    @Test
    void loadBalancerAddressesAreClippedPastSixteenCharactersUnlessWide() {
        // "1.1.1.1,2.2.2.22" is 16 characters: kept whole
        assertThat(TableServices.loadBalancerStatus(ingress(ip("1.1.1.1"), ip("2.2.2.22")), false))
                .isEqualTo("1.1.1.1,2.2.2.22");
        // "1.1.1.1,2.2.2.222" is 17: the first 13 plus "..."
        assertThat(TableServices.loadBalancerStatus(ingress(ip("1.1.1.1"), ip("2.2.2.222")), false))
                .isEqualTo("1.1.1.1,2.2.2...");
        assertThat(TableServices.loadBalancerStatus(ingress(ip("1.1.1.1"), ip("2.2.2.222")), true))
                .isEqualTo("1.1.1.1,2.2.2.222");
        assertThat(TableServices.loadBalancerStatus(null, false)).isEmpty();
    }

    @Test
    void endpointSliceListsStopAtThree() {
        assertThat(TableEndpointSlices.endpoints(List.of(new EndpointBuilder().withAddresses("a", "b", "c").build())))
                .isEqualTo("a,b,c");
        assertThat(TableEndpointSlices.endpoints(List.of())).isEqualTo("<unset>");
        assertThat(TableEndpointSlices.endpoints(null)).isEqualTo("<unset>");
        assertThat(TableEndpointSlices.ports(List.of(new EndpointPortBuilder().withName("").build())))
                .isEqualTo("<unset>");
        assertThat(TableEndpointSlices.ports(List.of(new EndpointPortBuilder().withPort(80).build(),
                new EndpointPortBuilder().withPort(81).build(), new EndpointPortBuilder().withPort(82).build(),
                new EndpointPortBuilder().withPort(83).build(), new EndpointPortBuilder().withPort(84).build())))
                .isEqualTo("80,81,82 + 2 more...");
    }

    @Test
    void eventObjectAndSource() {
        ObjectReference named = new ObjectReferenceBuilder().withKind("EndpointSlice").withName("web-abc").build();
        ObjectReference unnamed = new ObjectReferenceBuilder().withKind("Node").build();

        assertThat(TableEvents.target(named)).isEqualTo("endpointslice/web-abc");
        assertThat(TableEvents.target(unnamed)).isEqualTo("node");
        assertThat(TableEvents.source(null, "kubeway", "host-1")).isEqualTo("kubeway, host-1");
        assertThat(TableEvents.source(new EventSource("kubelet", null), "kubeway", null)).isEqualTo("kubelet");
        assertThat(TableEvents.source(null, null, null)).isEmpty();
    }

    @Test
    void nodeStatusAndRoles() {
        assertThat(TableNodes.status(new NodeBuilder().withNewStatus().addNewCondition().withType("Ready")
                .withStatus("False").endCondition().endStatus().build())).isEqualTo("NotReady");
        assertThat(TableNodes.status(new NodeBuilder().withNewStatus().addNewCondition().withType("Ready")
                .withStatus("Unknown").endCondition().addNewCondition().withType("MemoryPressure").withStatus("True")
                .endCondition().endStatus().build())).isEqualTo("NotReady");
        assertThat(TableNodes.status(new NodeBuilder().withNewStatus().addNewCondition().withType("Ready")
                .withStatus("True").endCondition().endStatus().withNewSpec().withUnschedulable(true).endSpec()
                .build())).isEqualTo("Ready,SchedulingDisabled");
        assertThat(TableNodes.roles(Map.of("node-role.kubernetes.io/", "", "node-role.kubernetes.io/worker", "x",
                "kubernetes.io/role", ""))).containsExactly("worker");
    }

    @Test
    void portsAndSelectors() {
        assertThat(TableServices.portString(List.of())).isEmpty();
        assertThat(TableColumns.formatLabels(Map.of("b", "2", "a", "1"))).isEqualTo("a=1,b=2");
        assertThat(TableColumns.formatLabels(Map.of())).isEqualTo("<none>");
        assertThat(TableColumns.formatLabels(null)).isEqualTo("<none>");
    }
}
