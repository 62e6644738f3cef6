package io.kubeway.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Traffic from outside the node: a client in a network namespace (a test host behind a veth pair) reaches
 * NodePorts on the node's address, an externalIP and a LoadBalancer IP, and externalTrafficPolicy Local
 * sends it only to this node's endpoints. Needs root (CI runs it); skipped elsewhere with the reason.
 */
class ExternalTrafficIT {
    private static final Pattern BACKEND = Pattern.compile("\"backend\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    static Path tmp;
    static NetnsHost host;
    static Harness h;

    @BeforeAll
    static void setUp() throws IOException {
        assumeThat(NetnsHost.available()).as("needs root, iproute2 and curl to create a test host in a network namespace")
                .isTrue();
        host = NetnsHost.create("kwt-ext", "198.18.0.1", "198.18.0.2");
        host.addHostAddress("198.18.0.3");
        h = new Harness(tmp, "127.102.0.0/16", "198.18.0.3/32");
        h.nodeAddresses = List.of("127.0.0.1", "198.18.0.1");
        for (int i = 1; i <= 3; i++) {
            h.backend("127.0.21." + i, 8080, "web-" + i);
        }
        h.write("all.yaml", pod("web-1", "{app: web}", "127.0.21.1", "[{containerPort: 8080}]", true)
                .replace("spec:\n  containers", "spec:\n  nodeName: node-1\n  containers")
                + pod("web-2", "{app: web}", "127.0.21.2", "[{containerPort: 8080}]", true)
                .replace("spec:\n  containers", "spec:\n  nodeName: node-2\n  containers")
                + pod("web-3", "{app: web}", "127.0.21.3", "[{containerPort: 8080}]", true)
                .replace("spec:\n  containers", "spec:\n  nodeName: node-2\n  containers") + """
                apiVersion: v1
                kind: Service
                metadata: {name: np}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080, nodePort: %d}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: local}
                spec:
                  type: NodePort
                  externalTrafficPolicy: Local
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080, nodePort: %d}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ext}
                spec:
                  externalIPs: [198.18.0.1]
                  selector: {app: web}
                  ports: [{port: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: lb}
                spec:
                  type: LoadBalancer
                  selector: {app: web}
                  ports: [{port: 9090, targetPort: 8080}]
                """.formatted(h.nodePort(1), h.nodePort(2)));
        h.start();
    }

    @AfterAll
    static void tearDown() {
        if (h != null) {
            h.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private static String fromOutside(String ip, int port) throws IOException {
        String out = host.exec("curl", "-sS", "--max-time", "5", "http://" + ip + ":" + port + "/");
        Matcher m = BACKEND.matcher(out);
        if (!m.find()) {
            throw new IOException("no backend in " + out);
        }
        return m.group(1);
    }

    private static Set<String> answers(String ip, int port, int n) throws IOException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(fromOutside(ip, port));
        }
        return seen;
    }

    @Test
    void nodePortExternalIpAndLoadBalancerIpAnswerFromAnotherHost() {
        h.service("lb");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(answers("198.18.0.1", h.nodePort(1), 6)).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
            assertThat(answers("198.18.0.1", 8080, 6)).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
            assertThat(answers("198.18.0.3", 9090, 6)).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
        });
        assertThat(h.service("lb").getStatus().getLoadBalancer().getIngress().get(0).getIp()).isEqualTo("198.18.0.3");
    }

    @Test
    void externalTrafficPolicyLocalUsesOnlyThisNodesEndpoints() {
        h.service("local");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(answers("198.18.0.1", h.nodePort(2), 9)).containsExactly("web-1"));
    }
}
