package io.kubeway.translate.endpoints;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Test builders with mutators, in the style of kube-proxy's {@code makeTestService}. */
final class Fixtures {
    private Fixtures() {
    }

    /** A running pod with one IP and labels {@code app=<app>}, no status conditions. */
    static Pod pod(String ns, String name, String ip, String app, UnaryOperator<PodBuilder> m) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).withUid("uid-" + name)
                .withLabels(Map.of("app", app)).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("img")
                .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").endPort()
                .endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).endStatus();
        return m.apply(b).build();
    }

    static Pod pod(String ns, String name, String ip, String app) {
        return pod(ns, name, ip, app, b -> b);
    }

    static PodBuilder ready(PodBuilder b, String status) {
        return b.editStatus().addNewCondition().withType("Ready").withStatus(status).endCondition().endStatus();
    }

    /** A ClusterIP service selecting {@code app=<app>} with one port {@code http: 80 -> targetPort}. */
    static Service service(String ns, String name, String app, Object targetPort, UnaryOperator<ServiceBuilder> m) {
        ServiceBuilder b = new ServiceBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).withUid("svc-uid-" + name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.10").withIpFamilies("IPv4")
                .withSelector(Map.of("app", app))
                .addNewPort().withName("http").withPort(80).withProtocol("TCP")
                .withTargetPort(new IntOrString(targetPort)).endPort()
                .endSpec();
        return m.apply(b).build();
    }

    static Service service(String ns, String name, String app, Object targetPort) {
        return service(ns, name, app, targetPort, b -> b);
    }

    static EndpointPort port(String name, Integer port, String protocol) {
        return new EndpointPortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
    }

    static Endpoint endpoint(String ip, Boolean ready, Boolean serving, Boolean terminating, String node) {
        return new EndpointBuilder().withAddresses(ip)
                .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
                .withNodeName(node).build();
    }

    static EndpointSlice slice(String name, String addressType, List<EndpointPort> ports, List<Endpoint> endpoints) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("ns1").withName(name)
                .withLabels(Map.of(EndpointSliceLabels.SERVICE_NAME, "svc1")).endMetadata()
                .withAddressType(addressType).withPorts(ports).withEndpoints(endpoints).build();
    }
}
