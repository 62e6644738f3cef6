package io.kubeway.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubeway.cluster.ApiStatusWriter;
import io.kubeway.cluster.LeaderElection;
import io.kubeway.core.NamespacedName;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.kube.KubeSource;
import io.kubeway.testing.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller's RBAC against the requests Kubeway's own code sends: the informers (KubeSource), the status
 * writer and the leader election run against fabric8's mock API server, every request it receives is turned into
 * the attributes RBAC authorises (namespace, API group, resource/subresource, verb), and each must be granted to
 * the controller's ServiceAccount by deploy/. A request the code starts making without a rule fails here, not in a
 * cluster.
 */
class RbacAgainstCodeTest {
    private static final String NS = RbacTest.NS;
    private MockApiServer api;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        api = MockApiServer.start();
        client = api.client();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void everyRequestOfTheControllersCodeIsGrantedToItsServiceAccount() throws Exception {
        client.services().inNamespace("demo").resource(new ServiceBuilder().withNewMetadata().withNamespace("demo")
                .withName("web").endMetadata().withNewSpec().withType("LoadBalancer").endSpec().build()).create();
        client.secrets().inNamespace("demo").resource(new SecretBuilder().withNewMetadata().withNamespace("demo")
                .withName("web-tls").endMetadata().build()).create();
        client.network().v1().ingresses().inNamespace("demo").resource(new IngressBuilder().withNewMetadata()
                .withNamespace("demo").withName("web").endMetadata().withNewSpec().addNewTl().withSecretName("web-tls")
                .endTl().endSpec().build()).create();
        client.genericKubernetesResources(KubeSource.IP_ADDRESS_POOLS).inNamespace(NS).resource(
                new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("IPAddressPool")
                        .withNewMetadata().withNamespace(NS).withName("default").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("addresses", List.of("192.0.2.0/28"))).build()).create();
        drain(); // the fixtures above are the test's, not Kubeway's

        AtomicReference<ClusterSnapshot> latest = new AtomicReference<>();
        try (KubeSource source = new KubeSource(client, NS, new KubeSource.Reads(false, true, true), Clock.systemUTC())
                .watchConfigMaps(List.of(new NamespacedName(NS, "kubeway-controller")));
             LeaderElection election = new LeaderElection(client, NS, "kubeway", "pod-a",
                     new LeaderElection.Timing(Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(200)),
                     () -> { })) {
            source.start(latest::set);
            election.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> latest.get() != null
                    && latest.get().objects().stream().anyMatch(o -> o.object().getKind().equals("Secret")));
            await().atMost(Duration.ofSeconds(10)).until(election::leading);
            ApiStatusWriter writer = new ApiStatusWriter(client);
            writer.serviceLoadBalancer(new NamespacedName("demo", "web"),
                    List.of(new LoadBalancerIngressBuilder().withIp("192.0.2.1").build()));
            writer.ingressLoadBalancer(new NamespacedName("demo", "web"),
                    List.of(new IngressLoadBalancerIngressBuilder().withIp("192.0.2.1").build()));
        }

        RbacRules controller = RbacRules.of(DeployFiles.objects(), NS, "kubeway-controller");
        List<Request> requests = drain();
        assertThat(requests).extracting(Request::toString)
                .contains("demo core secrets list", NS + " core configmaps list", NS + " core configmaps watch", "demo core services/status patch",
                        "demo networking.k8s.io ingresses/status patch", NS + " coordination.k8s.io leases create");
        assertThat(requests).allSatisfy(r -> assertThat(controller.allows(r.namespace(), r.apiGroup(), r.resource(),
                r.verb())).as("%s (%s) is not granted to kubeway-controller", r, r.line()).isTrue());
    }

    @Test
    void everyRequestOfTheProxysCodeIsGrantedToItsServiceAccount() throws Exception {
        client.services().inNamespace("demo").resource(new ServiceBuilder().withNewMetadata().withNamespace("demo")
                .withName("web").endMetadata().withNewSpec().withType("LoadBalancer").endSpec().build()).create();
        drain(); // the fixture is the test's, not Kubeway's

        AtomicReference<ClusterSnapshot> latest = new AtomicReference<>();
        try (KubeSource source = new KubeSource(client, NS, new KubeSource.Reads(true, false, false), Clock.systemUTC());
             io.kubeway.cluster.NodeLease lease = new io.kubeway.cluster.NodeLease(client, NS, "n1",
                     Duration.ofSeconds(6), Duration.ofMillis(200), Clock.systemUTC())) {
            source.start(latest::set);
            lease.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> latest.get() != null
                    && source.nodeLeases().stream().anyMatch(l -> l.getMetadata().getName().endsWith("n1")));
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true); // a renewal too
            io.kubeway.cluster.ApiEvents events = new io.kubeway.cluster.ApiEvents(client);
            io.fabric8.kubernetes.api.model.Event e = new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
                    .withNamespace("demo").withName("web.1").endMetadata().withReason("ListenFailed").withCount(1).build();
            events.post(List.of(e));
            events.post(List.of(new io.fabric8.kubernetes.api.model.EventBuilder(e).withCount(2).build()));
        } // closing the lease writes it as expired

        RbacRules proxy = RbacRules.of(DeployFiles.objects(), NS, "kubeway-proxy");
        List<Request> requests = drain();
        assertThat(requests).extracting(Request::toString).contains("* core services list", "* core nodes watch",
                NS + " coordination.k8s.io leases create", NS + " coordination.k8s.io leases update",
                NS + " metallb.io l2advertisements list", "demo core events create", "demo core events patch");
        assertThat(requests).allSatisfy(r -> assertThat(proxy.allows(r.namespace(), r.apiGroup(), r.resource(),
                r.verb())).as("%s (%s) is not granted to kubeway-proxy", r, r.line()).isTrue());
    }

    /** One API request as RBAC sees it ({@code namespace} null for cluster-scoped or all-namespace requests). */
    record Request(String namespace, String apiGroup, String resource, String verb, String line) {
        /** The request attributes of an API path, as the API server's RequestInfoResolver derives them. */
        static Request of(String method, String pathAndQuery) {
            String[] pq = pathAndQuery.split("\\?", 2);
            boolean watch = pq.length > 1 && List.of(pq[1].split("&")).contains("watch=true");
            List<String> parts = new ArrayList<>(List.of(pq[0].replaceFirst("^/", "").split("/")));
            String group;
            if (parts.get(0).equals("api")) {
                group = "";
                parts = parts.subList(2, parts.size());
            } else if (parts.get(0).equals("apis")) {
                group = parts.get(1);
                parts = parts.subList(3, parts.size());
            } else {
                throw new AssertionError("not a resource request: " + method + " " + pathAndQuery);
            }
            String namespace = null;
            if (parts.size() >= 2 && parts.get(0).equals("namespaces") && parts.size() > 2) {
                namespace = parts.get(1);
                parts = parts.subList(2, parts.size());
            }
            String resource = parts.get(0) + (parts.size() > 2 ? "/" + parts.get(2) : "");
            boolean named = parts.size() > 1;
            String verb = switch (method) {
                case "GET" -> watch ? "watch" : named ? "get" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> named ? "delete" : "deletecollection";
                default -> throw new AssertionError("unexpected method " + method);
            };
            return new Request(namespace, group, resource, verb, method + " " + pathAndQuery);
        }

        @Override
        public String toString() {
            return (namespace == null ? "*" : namespace) + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + " "
                    + resource + " " + verb;
        }
    }

    private List<Request> drain() throws InterruptedException {
        List<Request> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = api.server().takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            out.add(Request.of(r.getMethod(), r.getPath()));
        }
        return out;
    }
}
