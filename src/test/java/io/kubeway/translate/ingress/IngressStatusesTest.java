package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.Problem;
import io.kubeway.core.Protocol;
import io.kubeway.state.ListenKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Ingress status addresses when the HTTP listener is a wildcard and nothing is published: this node's addresses. */
class IngressStatusesTest {
    private final IngressOptions wildcard = new IngressOptions("kubeway", IngressOptions.CONTROLLER_NAME, false, null,
            null, List.of(), List.of(new ListenKey(IpLiterals.of("0.0.0.0"), 80, Protocol.TCP)), List.of(), "n1");

    @Test
    void aWildcardListenerReportsTheNodesExternalIpElseItsInternalIp() {
        List<Problem> problems = new ArrayList<>();
        List<Node> nodes = List.of(node("n0", "InternalIP", "192.0.2.1"),
                node("n1", "InternalIP", "10.0.0.11", "ExternalIP", "203.0.113.11", "Hostname", "n1"));
        assertThat(ips(IngressStatuses.addresses(wildcard, List.of(), nodes, problems))).containsExactly("203.0.113.11");
        assertThat(problems).isEmpty();

        nodes = List.of(node("n1", "InternalIP", "10.0.0.11", "InternalIP", "fd00::11"));
        assertThat(ips(IngressStatuses.addresses(wildcard, List.of(), nodes, problems)))
                .containsExactly("10.0.0.11", "fd00::11");
        assertThat(problems).isEmpty();
    }

    @Test
    void withoutThisNodesObjectTheWildcardNamesNoAddressAndSaysSo() {
        List<Problem> problems = new ArrayList<>();
        assertThat(IngressStatuses.addresses(wildcard, List.of(), List.of(node("other", "InternalIP", "10.0.0.9")),
                problems)).isEmpty();
        assertThat(problems).extracting(Problem::reason).containsExactly("NoStatusAddress");
        assertThat(problems.get(0).message()).contains("node n1 has no address");
    }

    @Test
    void publishedAddressesStillComeFirst() {
        IngressOptions published = new IngressOptions("kubeway", IngressOptions.CONTROLLER_NAME, false, null, null,
                List.of("lb.example.com"), wildcard.http(), List.of(), "n1");
        List<IngressLoadBalancerIngress> out = IngressStatuses.addresses(published, List.of(),
                List.of(node("n1", "InternalIP", "10.0.0.11")), new ArrayList<>());
        assertThat(out).extracting(IngressLoadBalancerIngress::getHostname).containsExactly("lb.example.com");
    }

    private static List<String> ips(List<IngressLoadBalancerIngress> addresses) {
        return addresses.stream().map(IngressLoadBalancerIngress::getIp).toList();
    }

    private static Node node(String name, String... typeAndAddress) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().endStatus();
        for (int i = 0; i < typeAndAddress.length; i += 2) {
            b.editStatus().addNewAddress().withType(typeAndAddress[i]).withAddress(typeAndAddress[i + 1]).endAddress()
                    .endStatus();
        }
        return b.build();
    }
}
