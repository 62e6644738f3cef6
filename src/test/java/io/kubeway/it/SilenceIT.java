package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.cli.GetCommand;
import io.kubeway.core.IpLiterals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing passes in silence, through the whole program: every object Kubeway reads and does not act on has exactly
 * one Warning event naming it, its file and why, however many syncs run; {@code kubeway get events} shows them and
 * {@code kubeway get ingress} lists the Ingresses of other classes, as kubectl does.
 */
class SilenceIT {
    static final String IP = "127.0.62.1";

    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void setUp() {
        try {
            h = new Harness(tmp, "127.107.0.0/16", "127.108.0.0/24");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        h.ingress = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), 18280), null);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void everyUnservedObjectHasExactlyOneWarningEvent() throws Exception {
        h.write("app.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: default}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: web}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {a: b}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: db-password}
                stringData: {password: x}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-0, labels: {app: web}}
                spec: {containers: [{name: web, image: web}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                ---
                """ + pod("web-1", "{app: web}", "127.0.24.1", "[{containerPort: 8080}]", true));
        h.write("ingress.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: theirs}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: shop.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: ours}
                spec:
                  ingressClassName: kubeway
                  rules:
                  - host: ours.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """);
        h.start();
        String app = " (" + h.manifests.resolve("app.yaml") + ")";
        Map<String, String> expected = new TreeMap<>(Map.of(
                "Deployment default/web", "Warning NotServed: Kubeway does not run workloads: give the Service Pods "
                        + "with status.podIP, or an EndpointSlice" + app,
                "NetworkPolicy default/deny-all", "Warning NotServed: NetworkPolicy is not enforced: Kubeway does not "
                        + "filter traffic to endpoints; every client that reaches a Service reaches its backends" + app,
                "ConfigMap default/settings", "Warning NotServed: Kubeway reads only the controller ConfigMap named by --configmap "
                        + "(ingress-nginx's settings, see docs/annotations.md); this one is not read" + app,
                "Pod default/web-0", "Warning NoAddress: no address, so no endpoint: Kubeway does not run Pods; set "
                        + "status.podIP (or status.podIPs) to where the backend listens" + app,
                "Ingress default/theirs", "Warning OtherClass: not served: its class is \"nginx\" "
                        + "(spec.ingressClassName) (--controller-class k8s.io/ingress-nginx serves it); kubeway answers "
                        + "class \"kubeway\" (--ingress-class) ("
                        + h.manifests.resolve("ingress.yaml") + ")"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events()).isEqualTo(expected));

        // More syncs (an edit elsewhere, then periodic resyncs) add no events and count no repeats.
        h.write("extra.yaml", pod("web-2", "{app: web}", "127.0.24.2", "[{containerPort: 8080}]", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.server.view().endpointSlices().stream()
                .anyMatch(s -> s.getEndpoints().size() == 2));
        Thread.sleep(300);
        assertThat(events()).isEqualTo(expected);
        assertThat(h.server.view().events()).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));

        String events = kubewayGet("events");
        assertThat(events).contains("Warning   NotServed", "deployment/web", "networkpolicy/deny-all",
                "configmap/settings", "pod/web-0", "ingress/theirs");
        // every Ingress, as kubectl lists them (AGE, the last column, left out: it depends on when the test runs)
        assertThat(kubewayGet("ingress").lines().map(l -> l.replaceAll("\\s+\\S+$", ""))).containsExactly(
                "NAME     CLASS     HOSTS              ADDRESS      PORTS",
                "ours     kubeway   ours.example.com   127.0.62.1   80",
                "theirs   nginx     shop.example.com                80");
    }

    /** Each object's events, as {@code "Kind ns/name" -> "Type Reason: message"} (several would be joined). */
    private Map<String, String> events() {
        Map<String, String> out = new TreeMap<>();
        for (Event e : h.server.view().events()) {
            String key = e.getInvolvedObject().getKind() + " " + e.getInvolvedObject().getNamespace() + "/"
                    + e.getInvolvedObject().getName();
            out.merge(key, e.getType() + " " + e.getReason() + ": " + e.getMessage(), (a, b) -> a + " | " + b);
        }
        return out;
    }

    private String kubewayGet(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new GetCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(new StringWriter()));
        List<String> all = new java.util.ArrayList<>(List.of("--admin-address",
                "127.0.0.1:" + h.server.adminAddress().getPort()));
        all.addAll(0, List.of(args));
        assertThat(cmd.execute(all.toArray(String[]::new))).isZero();
        return out.toString();
    }
}
