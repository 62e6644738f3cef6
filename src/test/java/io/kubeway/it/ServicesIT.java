package io.kubeway.it;

import io.kubeway.core.IpLiterals;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static io.kubeway.it.Harness.pod;
import static io.kubeway.it.Harness.whoAnswers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The standalone acceptance tests: real manifests in, real traffic through real sockets out. */
class ServicesIT {
    private static final String WEB_PODS = pod("web-1", "{app: web}", "127.0.20.1", "[{name: http, containerPort: 8080}]", true)
            + pod("web-2", "{app: web}", "127.0.20.2", "[{name: http, containerPort: 8080}]", true)
            + pod("web-3", "{app: web}", "127.0.20.3", "[{name: http, containerPort: 8080}]", true);

    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.100.0.0/16", "127.101.0.0/24");
        for (int i = 1; i <= 3; i++) {
            h.backend("127.0.20." + i, 8080, "web-" + i);
        }
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void everyServiceTypeAnswersOnEachOfItsAddresses() throws Exception {
        h.write("pods.yaml", WEB_PODS);
        h.write("svc.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-np}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: 8080, nodePort: %d}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-lb}
                spec:
                  type: LoadBalancer
                  selector: {app: web}
                  ports: [{name: http, port: 8081, targetPort: http}]
                """.formatted(h.nodePort(80)));
        h.start();
        Service web = h.service("web");
        Service np = h.service("web-np");
        Service lb = h.service("web-lb");
        assertThat(web.getSpec().getClusterIP()).startsWith("127.100.");
        assertThat(np.getSpec().getPorts().get(0).getNodePort()).isEqualTo(h.nodePort(80));
        assertThat(lb.getSpec().getPorts().get(0).getNodePort()).matches(h::inNodePortRange);
        String lbIp = lb.getStatus().getLoadBalancer().getIngress().get(0).getIp();
        assertThat(lbIp).startsWith("127.101.0.");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(whoAnswers(web.getSpec().getClusterIP(), 80)).startsWith("web-");
            assertThat(whoAnswers(np.getSpec().getClusterIP(), 80)).startsWith("web-");
            assertThat(whoAnswers("127.0.0.1", h.nodePort(80))).startsWith("web-");
            assertThat(whoAnswers(lb.getSpec().getClusterIP(), 8081)).startsWith("web-");
            assertThat(whoAnswers("127.0.0.1", lb.getSpec().getPorts().get(0).getNodePort())).startsWith("web-");
            assertThat(whoAnswers(lbIp, 8081)).startsWith("web-");
        });

        // what was decided is visible through the admin API, at Kubernetes' paths and Kubeway's own
        String admin = "http://127.0.0.1:" + h.server.adminAddress().getPort();
        var client = java.net.http.HttpClient.newHttpClient();
        String services = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/api/v1/services")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(services).contains("\"kind\":\"ServiceList\"").contains(lbIp).contains("\"nodePort\":" + h.nodePort(80));
        String listeners = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/apis/kubeway.io/v1/listeners")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(listeners).contains("\"address\":\"127.0.0.1:" + h.nodePort(80) + "/TCP\"").contains("\"kind\":\"NodePort\"")
                .contains("127.0.20.1:8080 default/web-1");
    }

    @Test
    void threeEndpointsShareConnectionsEvenly() throws Exception {
        h.write("all.yaml", WEB_PODS + """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 127.100.0.10
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        h.start();
        h.service("web");
        await().untilAsserted(() -> assertThat(whoAnswers("127.100.0.10", 80)).startsWith("web-"));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(whoAnswers("127.100.0.10", 80), 1, Integer::sum);
        }
        System.out.println("3000 connections over 3 endpoints: " + counts);
        assertThat(counts).hasSize(3);
        counts.values().forEach(c -> assertThat(c).isBetween(800, 1200));
    }

    @Test
    void clientIpAffinitySticks() throws Exception {
        h.write("all.yaml", WEB_PODS + """
                apiVersion: v1
                kind: Service
                metadata: {name: sticky}
                spec:
                  clusterIP: 127.100.0.11
                  selector: {app: web}
                  sessionAffinity: ClientIP
                  ports: [{port: 80, targetPort: 8080}]
                """);
        h.start();
        h.service("sticky");
        await().untilAsserted(() -> assertThat(whoAnswers("127.100.0.11", 80)).startsWith("web-"));
        Set<String> chosen = new HashSet<>();
        for (String client : new String[] {"127.0.30.1", "127.0.30.2", "127.0.30.3", "127.0.30.4"}) {
            String first = whoAnswers(client, "127.100.0.11", 80);
            chosen.add(first);
            for (int i = 0; i < 20; i++) {
                assertThat(whoAnswers(client, "127.100.0.11", 80)).as("client %s", client).isEqualTo(first);
            }
        }
        assertThat(chosen).hasSizeGreaterThan(1);
    }

    @Test
    void serviceWithoutEndpointsRefusesAtOnce() throws Exception {
        h.write("svc.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: empty}
                spec:
                  clusterIP: 127.100.0.12
                  selector: {app: nothing}
                  ports: [{port: 80}]
                """);
        h.start();
        h.service("empty");
        await().untilAsserted(() -> assertThat(canConnect("127.100.0.12", 80)).isNotNull());
        long start = System.nanoTime();
        assertThatThrownBy(() -> whoAnswers("127.100.0.12", 80)).isInstanceOf(IOException.class);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("no endpoints: refused after " + ms + " ms");
        assertThat(ms).isLessThan(100);
    }

    /** Null while nothing listens (connection refused by the kernel), else a word on what happened. */
    private static String canConnect(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(ip), port), 1000);
            return "connected";
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("refused") ? null : "reset";
        }
    }

    @Test
    void namedTargetPortResolvesPerPod() throws Exception {
        h.backend("127.0.20.4", 9090, "alt-4");
        h.write("all.yaml", pod("p1", "{app: mixed}", "127.0.20.1", "[{name: web, containerPort: 8080}]", true)
                + pod("p4", "{app: mixed}", "127.0.20.4", "[{name: web, containerPort: 9090}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: mixed}
                spec:
                  clusterIP: 127.100.0.13
                  selector: {app: mixed}
                  ports: [{port: 80, targetPort: web}]
                """);
        h.start();
        h.service("mixed");
        Set<String> seen = new HashSet<>();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            seen.add(whoAnswers("127.100.0.13", 80));
            assertThat(seen).containsExactlyInAnyOrder("web-1", "alt-4");
        });
        assertThat(h.server.view().endpointSlices().stream()
                .filter(s -> "mixed".equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))))
                .hasSize(2);
    }

    @Test
    void notReadyPodGetsNoTraffic() throws Exception {
        h.write("all.yaml", pod("web-1", "{app: web}", "127.0.20.1", "[{containerPort: 8080}]", true)
                + pod("web-2", "{app: web}", "127.0.20.2", "[{containerPort: 8080}]", false) + """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 127.100.0.14
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        h.start();
        h.service("web");
        await().untilAsserted(() -> assertThat(whoAnswers("127.100.0.14", 80)).isEqualTo("web-1"));
        for (int i = 0; i < 50; i++) {
            assertThat(whoAnswers("127.100.0.14", 80)).isEqualTo("web-1");
        }
    }

    @Test
    void editMovesEndpointsWhileLongLivedConnectionKeepsWorking() throws Exception {
        String svc = """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 127.100.0.15
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """;
        h.write("svc.yaml", svc);
        h.write("pods.yaml", pod("web-1", "{app: web}", "127.0.20.1", "[{containerPort: 8080}]", true));
        h.start();
        h.service("web");
        await().untilAsserted(() -> assertThat(whoAnswers("127.100.0.15", 80)).isEqualTo("web-1"));
        try (Socket longLived = new Socket("127.100.0.15", 80)) {
            longLived.setSoTimeout(5000);
            assertThat(Harness.httpGet(longLived)).isEqualTo("web-1");

            h.write("pods.yaml", pod("web-2", "{app: web}", "127.0.20.2", "[{containerPort: 8080}]", true)
                    + pod("web-3", "{app: web}", "127.0.20.3", "[{containerPort: 8080}]", true));
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                Set<String> now = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    now.add(whoAnswers("127.100.0.15", 80));
                }
                assertThat(now).containsExactlyInAnyOrder("web-2", "web-3");
            });
            System.out.println("edit reached the data plane in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            for (int i = 0; i < 5; i++) {
                assertThat(Harness.httpGet(longLived)).as("the removed endpoint's connection").isEqualTo("web-1");
            }
        }
    }

    @Test
    void restartKeepsEveryAllocation() throws Exception {
        h.write("all.yaml", WEB_PODS + """
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                spec:
                  type: LoadBalancer
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: 8080}, {name: udp, port: 53, protocol: UDP}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: b}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        h.start();
        Service a = h.service("a");
        Service b = h.service("b");
        String created = a.getMetadata().getCreationTimestamp();
        h.restart();
        Service a2 = h.service("a");
        Service b2 = h.service("b");
        assertThat(a2.getSpec().getClusterIP()).isEqualTo(a.getSpec().getClusterIP());
        assertThat(a2.getSpec().getPorts()).isEqualTo(a.getSpec().getPorts());
        assertThat(a2.getStatus().getLoadBalancer()).isEqualTo(a.getStatus().getLoadBalancer());
        assertThat(a2.getMetadata().getCreationTimestamp()).isEqualTo(created);
        assertThat(b2.getSpec().getClusterIP()).isEqualTo(b.getSpec().getClusterIP());
        assertThat(b2.getSpec().getPorts()).isEqualTo(b.getSpec().getPorts());
        await().untilAsserted(() -> assertThat(whoAnswers(a2.getSpec().getClusterIP(), 80)).startsWith("web-"));
    }

    @Test
    void clusterIpAndNodePortConflictsFailOnlyTheLaterService() throws Exception {
        h.write("a.yaml", WEB_PODS + """
                apiVersion: v1
                kind: Service
                metadata: {name: first}
                spec:
                  type: NodePort
                  clusterIP: 127.100.0.20
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080, nodePort: %d}]
                """.formatted(h.nodePort(50)));
        h.start();
        h.service("first");
        await().untilAsserted(() -> assertThat(whoAnswers("127.100.0.20", 80)).startsWith("web-"));
        h.write("b.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: second}
                spec:
                  clusterIP: 127.100.0.20
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: third}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080, nodePort: %d}]
                """.formatted(h.nodePort(50)));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(h.events("second")).anySatisfy(e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getMessage()).contains("127.100.0.20").contains("already allocated");
            });
            assertThat(h.events("third")).anySatisfy(e -> assertThat(e.getMessage()).contains(Integer.toString(h.nodePort(50))));
        });
        assertThat(h.find("second")).isNull();
        assertThat(h.find("third")).isNull();
        assertThat(whoAnswers("127.100.0.20", 80)).startsWith("web-");
        assertThat(whoAnswers("127.0.0.1", h.nodePort(50))).startsWith("web-");
    }

    @Test
    void brokenYamlInOneFileLeavesTheOthersServing() throws Exception {
        h.write("pods.yaml", WEB_PODS);
        h.write("good.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: good}
                spec:
                  clusterIP: 127.100.0.30
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        h.write("other.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: other}
                spec:
                  clusterIP: 127.100.0.31
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        h.start();
        h.service("good");
        await().untilAsserted(() -> assertThat(whoAnswers("127.100.0.31", 80)).startsWith("web-"));
        h.write("other.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: other\nspec: [\n");
        h.write("bad.yaml", "this: is: not: yaml: [");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.server.view().events())
                .anySatisfy(e -> assertThat(e.getMessage()).contains("bad.yaml")));
        assertThat(whoAnswers("127.100.0.30", 80)).startsWith("web-");
        assertThat(whoAnswers("127.100.0.31", 80)).as("the broken file keeps its last good objects").startsWith("web-");
    }

    @Test
    void invalidServiceGetsAnEventNamingFileAndField() throws Exception {
        h.write("bad-svc.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: two-ports}
                spec:
                  selector: {app: web}
                  ports: [{port: 80}, {port: 81}]
                """);
        h.start();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.events("two-ports"))
                .anySatisfy(e -> assertThat(e.getMessage())
                        .contains("Service \"two-ports\" is invalid")
                        .contains("spec.ports[0].name: Required value")
                        .contains("bad-svc.yaml")));
        assertThat(h.find("two-ports")).isNull();
    }

    @Test
    void invalidEditKeepsTheLastGoodVersionServing() throws Exception {
        h.write("pods.yaml", WEB_PODS);
        h.write("svc.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 127.100.0.50
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        h.start();
        h.service("web");
        await().untilAsserted(() -> assertThat(whoAnswers("127.100.0.50", 80)).startsWith("web-"));
        h.write("svc.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 127.100.0.50
                  selector: {app: web}
                  sessionAffinity: Sometimes
                  ports: [{port: 80, targetPort: 8080}]
                """);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.events("web"))
                .anySatisfy(e -> assertThat(e.getMessage()).contains("spec.sessionAffinity: Unsupported value: \"Sometimes\"")));
        assertThat(whoAnswers("127.100.0.50", 80)).startsWith("web-");
        assertThat(h.find("web").getSpec().getSessionAffinity()).isEqualTo("None");
    }

    @Test
    void loadBalancerSourceRangesFilterClientsOfTheLoadBalancerIpOnly() throws Exception {
        h.write("all.yaml", WEB_PODS + """
                apiVersion: v1
                kind: Service
                metadata: {name: guarded}
                spec:
                  type: LoadBalancer
                  loadBalancerSourceRanges: [" 127.0.31.0/24 "]
                  selector: {app: web}
                  ports: [{port: 8090, targetPort: 8080, nodePort: %d}]
                """.formatted(h.nodePort(90)));
        h.start();
        String lbIp = await().atMost(Duration.ofSeconds(10)).until(() -> {
            Service s = h.find("guarded");
            return s == null || s.getStatus().getLoadBalancer().getIngress() == null ? null
                    : s.getStatus().getLoadBalancer().getIngress().get(0).getIp();
        }, ip -> ip != null);
        await().ignoreExceptions().untilAsserted(() -> assertThat(whoAnswers("127.0.31.5", lbIp, 8090)).startsWith("web-"));
        assertThatThrownBy(() -> whoAnswers("127.0.32.5", lbIp, 8090)).isInstanceOf(IOException.class);
        assertThat(whoAnswers("127.0.32.5", "127.0.0.1", h.nodePort(90))).as("the NodePort is not filtered").startsWith("web-");
    }

    @Test
    void udpRoundTrip() throws Exception {
        h.write("all.yaml", pod("dns-1", "{app: dns}", "127.0.20.1", "[{containerPort: 8080, protocol: UDP}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: dns}
                spec:
                  clusterIP: 127.100.0.40
                  selector: {app: dns}
                  ports: [{port: 53, targetPort: 8080, protocol: UDP}]
                """);
        h.start();
        h.service("dns");
        await().untilAsserted(() -> assertThat(Harness.udpRoundTrip("127.100.0.40", 53, "hello udp")).isEqualTo("hello udp"));
    }
}
