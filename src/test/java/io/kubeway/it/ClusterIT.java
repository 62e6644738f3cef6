package io.kubeway.it;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeway.source.kube.KubeSource;
import io.kubeway.testing.MockApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kubeway in a cluster, for real: two node namespaces and a client namespace on a bridge, a pod namespace
 * behind each node, fabric8's mock API server (CRUD mode) reachable from the nodes, and one Kubeway process per
 * node started with {@code --kubeconfig} inside its node's namespace. The objects are written as a real API
 * server would hold them (cluster IPs and node ports allocated, EndpointSlices from the EndpointSlice
 * controller), and traffic goes from the client and the nodes through Kubeway to the pods. Root only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final String NS = "kubeway-system";
    private static final String LB_IP = "198.18.20.200";
    private static final String[] NODE_IPS = {"198.18.20.11", "198.18.20.12"};

    private static final ClusterLab lab = new ClusterLab();
    private static MockApiServer api;
    private static KubernetesClient client;
    private static final Process[] kubeways = new Process[2];
    private static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        String missing = ClusterLab.missing();
        Assumptions.assumeTrue(missing == null, "cluster IT skipped: " + missing);
        dir = Files.createTempDirectory("kubeway-cluster-it");
        lab.create();
        lab.host("kwn1", NODE_IPS[0]);
        lab.host("kwn2", NODE_IPS[1]);
        lab.host("kwc", "198.18.20.100");
        lab.pod("kwp1", "kwn1", "198.19.1.10", "198.19.1.1");
        lab.pod("kwp2", "kwn2", "198.19.2.10", "198.19.2.1");
        lab.route("kwn1", "198.19.2.0/24", NODE_IPS[1]);
        lab.route("kwn2", "198.19.1.0/24", NODE_IPS[0]);
        for (int i = 1; i <= 2; i++) {
            Path www = Files.createDirectories(dir.resolve("www" + i));
            Files.writeString(www.resolve("index.html"), "pod-" + i + "\n");
            lab.start("kwp" + i, List.of("python3", "-m", "http.server", "8080", "--bind", "198.19." + i + ".10",
                    "--directory", www.toString()), dir.resolve("pod" + i + ".log"), Map.of());
        }

        api = MockApiServer.start(InetAddress.getByName(ClusterLab.BRIDGE_IP), 0);
        client = api.client();
        writeObjects();
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: lab
                  cluster:
                    server: http://%s:%d
                contexts:
                - name: lab
                  context: {cluster: lab, user: lab, namespace: default}
                current-context: lab
                users:
                - name: lab
                  user: {token: lab}
                """.formatted(ClusterLab.BRIDGE_IP, api.port()));
        for (int i = 0; i < 2; i++) {
            kubeways[i] = startKubeway(i, kubeconfig);
        }
    }

    private static Process startKubeway(int i, Path kubeconfig) throws IOException {
        String node = "n" + (i + 1);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.kubeway.cli.Main", "run",
                "--kubeconfig", kubeconfig.toString(), "--node-name", node, "--node-address", NODE_IPS[i],
                "--admin-address", NODE_IPS[i] + ":10249", "--ingress-http-address", NODE_IPS[i] + ":8080",
                "--ingress-https-address", NODE_IPS[i] + ":8443",
                "--state-dir", dir.resolve("state-" + node).toString(), "--namespace", NS, "--workers", "1",
                "--warm-up", "off");
        return lab.start("kwn" + (i + 1), cmd, dir.resolve("kubeway-" + node + ".log"),
                Map.of("POD_NAME", "kubeway-" + node));
    }

    /** As a real API server holds them: allocated cluster IPs and node ports, slices from the slice controller. */
    private static void writeObjects() {
        for (int i = 0; i < 2; i++) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n" + (i + 1)).endMetadata()
                    .withNewStatus().addNewAddress().withType("InternalIP").withAddress(NODE_IPS[i]).endAddress()
                    .endStatus().build()).create();
        }
        client.genericKubernetesResources(KubeSource.IP_ADDRESS_POOLS).inNamespace(NS).resource(
                new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("IPAddressPool")
                        .withNewMetadata().withNamespace(NS).withName("lab").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("addresses", List.of("198.18.20.200/29"))).build())
                .create();
        client.genericKubernetesResources(KubeSource.L2_ADVERTISEMENTS).inNamespace(NS).resource(
                new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("L2Advertisement")
                        .withNewMetadata().withNamespace(NS).withName("lab").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("ipAddressPools", List.of("lab"))).build())
                .create();
        client.network().v1().ingressClasses().resource(new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
                .withNewMetadata().withName("kubeway").endMetadata().withNewSpec()
                .withController("kubeway.io/ingress-controller").endSpec().build()).create();
        client.resource(service("web", "10.96.0.10", 30080, "Cluster", null)).create();
        client.resource(slice("web", List.of(new String[] {"198.19.1.10", "n1"}, new String[] {"198.19.2.10", "n2"})))
                .create();
        client.resource(service("local", "10.96.0.11", 30081, "Local", 30999)).create();
        client.resource(slice("local", List.<String[]>of(new String[] {"198.19.1.10", "n1"}))).create();
    }

    private static Service service(String name, String clusterIp, int nodePort, String etp, Integer hcPort) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).withUid("uid-" + name)
                .addToAnnotations("metallb.io/loadBalancerIPs", name.equals("web") ? LB_IP : "198.18.20.201")
                .withCreationTimestamp("2026-12-05T00:00:00Z").endMetadata()
                .withNewSpec().withType("LoadBalancer").withClusterIP(clusterIp).withClusterIPs(clusterIp)
                .withIpFamilies("IPv4").withIpFamilyPolicy("SingleStack").withSessionAffinity("None")
                .withExternalTrafficPolicy(etp).withInternalTrafficPolicy("Cluster").withHealthCheckNodePort(hcPort)
                .withAllocateLoadBalancerNodePorts(true)
                .addNewPort().withName("http").withProtocol("TCP").withPort(80).withNewTargetPort(8080)
                .withNodePort(nodePort).endPort().addToSelector("app", name).endSpec().build();
    }

    private static EndpointSlice slice(String service, List<String[]> endpoints) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace("default")
                .withName(service + "-x1").addToLabels("kubernetes.io/service-name", service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io").endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
        for (String[] e : endpoints) {
            b.addNewEndpoint().withAddresses(e[0]).withNodeName(e[1]).withNewConditions().withReady(true)
                    .withServing(true).withTerminating(false).endConditions().endEndpoint();
        }
        return b.build();
    }

    @AfterAll
    static void tearDown() throws IOException {
        lab.close();
        if (api != null) api.close();
        if (dir != null) {
            for (String node : List.of("n1", "n2")) {
                Path log = dir.resolve("kubeway-" + node + ".log");
                if (Files.exists(log)) {
                    System.out.println("---- " + log + "\n" + Files.readString(log));
                }
            }
        }
    }

    @Test
    @Order(1)
    void nodePortAnswersOnBothNodesFromTheClient() {
        for (String node : NODE_IPS) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(lab.curl("kwc", "http://" + node + ":30080/")).matches("pod-[12]\\n"));
        }
    }

    @Test
    @Order(2)
    void clusterIpAnswersFromTheNodesAndNotFromTheClient() throws IOException {
        for (String node : List.of("kwn1", "kwn2")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(lab.curl(node, "http://10.96.0.10/")).matches("pod-[12]\\n"));
        }
        assertThat(lab.curl("kwc", "http://10.96.0.10/")).isNull();
    }

    @Test
    @Order(3)
    void externalTrafficPolicyLocalUsesLocalEndpointsAndTheHealthCheckSaysSo() throws IOException {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(lab.curl("kwc", "http://" + NODE_IPS[0] + ":30081/")).isEqualTo("pod-1\n"));
        assertThat(lab.curl("kwc", "http://" + NODE_IPS[1] + ":30081/")).isNull(); // no local endpoint on n2

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ClusterLab.Result n1 = lab.curlStatus("kwc", "http://" + NODE_IPS[0] + ":30999/healthz");
            assertThat(n1.exit()).isEqualTo(200);
            assertThat(n1.output()).contains("\"localEndpoints\":1");
            ClusterLab.Result n2 = lab.curlStatus("kwc", "http://" + NODE_IPS[1] + ":30999/healthz");
            assertThat(n2.exit()).isEqualTo(503);
            assertThat(n2.output()).contains("\"localEndpoints\":0");
        });
    }

    @Test
    @Order(4)
    void ingressesAndTheirSecretsFromTheApiServerRouteRealTrafficAndGetTheirStatus() throws Exception {
        client.network().v1().ingresses().inNamespace("default").resource(ingress("web", false)).create();
        String url = "http://" + NODE_IPS[0] + ":8080/";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(lab.exec("kwc", "curl", "-s", "--max-time", "2", "-H", "Host: web.lab", url).output())
                        .matches("pod-[12]\\n"));
        // the leader writes the status: its Ingress listener's address
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.network().v1().ingresses()
                .inNamespace("default").withName("web").get().getStatus().getLoadBalancer().getIngress())
                .extracting(i -> i.getIp()).singleElement().isIn((Object[]) NODE_IPS));

        // a change of backend moves the traffic: Service local has only pod-1
        client.network().v1().ingresses().inNamespace("default").resource(ingress("local", false)).update();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int i = 0; i < 4; i++) {
                assertThat(lab.exec("kwc", "curl", "-s", "--max-time", "2", "-H", "Host: web.lab", url).output())
                        .isEqualTo("pod-1\n");
            }
        });

        // TLS from a Secret the Ingress names: the client verifies the certificate against it
        Path certs = Files.createDirectories(dir.resolve("certs"));
        ClusterLab.Result made = ClusterLab.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-days", "2", "-subj", "/CN=web.lab", "-addext", "subjectAltName=DNS:web.lab",
                "-keyout", certs.resolve("tls.key").toString(), "-out", certs.resolve("tls.crt").toString()));
        assertThat(made.exit()).as(made.output()).isZero();
        client.secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withNamespace("default").withName("web-tls").endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", Files.readString(certs.resolve("tls.crt")))
                .addToStringData("tls.key", Files.readString(certs.resolve("tls.key"))).build()).create();
        client.network().v1().ingresses().inNamespace("default").resource(ingress("local", true)).update();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lab.exec("kwc", "curl", "-s",
                "--max-time", "2", "--cacert", certs.resolve("tls.crt").toString(),
                "--resolve", "web.lab:8443:" + NODE_IPS[1], "https://web.lab:8443/").output()).isEqualTo("pod-1\n"));

        // gone from the API server: no route any more (the built-in default backend answers 404)
        client.network().v1().ingresses().inNamespace("default").withName("web").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lab.curlStatus("kwc",
                "http://" + NODE_IPS[0] + ":8080/").exit()).isEqualTo(404));
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress(String service, boolean tls) {
        var b = new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder().withNewMetadata()
                .withNamespace("default").withName("web").withCreationTimestamp("2026-12-05T00:00:00Z")
                .withUid("uid-ingress-web").endMetadata()
                .withNewSpec().withIngressClassName("kubeway").addNewRule().withHost("web.lab").withNewHttp().addNewPath()
                .withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName(service).withNewPort()
                .withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec();
        if (tls) {
            b.editSpec().addNewTl().withHosts("web.lab").withSecretName("web-tls").endTl().endSpec();
        }
        return b.build();
    }

    @Test
    @Order(5)
    void anApiServerRestartKeepsTrafficFlowingAndTheSourceRecovers() throws Exception {
        String readyz = "http://" + NODE_IPS[0] + ":10249/readyz";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lab.curlStatus("kwc", readyz).exit())
                .isEqualTo(200));
        int port = api.port();
        api.close();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ClusterLab.Result r = lab.curlStatus("kwc", readyz);
            assertThat(r.exit()).isEqualTo(503);
            assertThat(r.output()).contains("source: watch of services (v1), all namespaces is down since");
        });
        for (int i = 0; i < 5; i++) { // the data plane keeps serving the last known state
            assertThat(lab.curl("kwc", "http://" + NODE_IPS[0] + ":30080/")).matches("pod-[12]\\n");
        }

        api = MockApiServer.start(InetAddress.getByName(ClusterLab.BRIDGE_IP), port);
        client = api.client();
        writeObjects(); // the restarted API server has the same objects (its etcd kept them)
        client.resource(slice("web", List.<String[]>of(new String[] {"198.19.1.10", "n1"}))).update();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(lab.curlStatus("kwc", readyz).exit())
                .isEqualTo(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int i = 0; i < 4; i++) {
                assertThat(lab.curl("kwc", "http://" + NODE_IPS[1] + ":30080/")).isEqualTo("pod-1\n");
            }
        });
    }

    @Test
    @Order(6)
    void theLoadBalancerIpIsAllocatedAnswersFromTheClientAndMovesWhenItsNodesKubewayStops() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.services().inNamespace("default")
                .withName("web").get().getStatus().getLoadBalancer().getIngress()).extracting(i -> i.getIp())
                .containsExactly(LB_IP));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(lab.curl("kwc", "http://" + LB_IP + "/")).matches("pod-[12]\\n"));

        int holder = holder();
        assertThat(holder).isIn(0, 1);
        long stoppedAt = System.nanoTime();
        kubeways[holder].destroy(); // SIGTERM: a clean stop
        kubeways[holder].waitFor();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(lab.curl("kwc", "http://" + LB_IP + "/")).matches("pod-[12]\\n"));
        Duration moved = Duration.ofNanos(System.nanoTime() - stoppedAt);
        System.out.println("LoadBalancer IP answered again " + moved.toMillis() + " ms after its node's Kubeway stopped");
        assertThat(holder()).isEqualTo(1 - holder);
    }

    /** The node whose eth0 holds the LoadBalancer IP, or -1. */
    private static int holder() throws IOException {
        for (int i = 0; i < 2; i++) {
            if (lab.exec("kwn" + (i + 1), "ip", "-o", "addr", "show", "dev", "eth0").output().contains(LB_IP + "/32")) {
                return i;
            }
        }
        return -1;
    }
}
