package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import io.kubeway.testing.FreePorts;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.kubeway.it.Harness.pod;
import static io.kubeway.it.HttpClientSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The class swap with real traffic: an ingress-nginx installation's manifests (IngressClass {@code nginx} of
 * controller {@code k8s.io/ingress-nginx}, Ingresses with {@code ingressClassName: nginx} or the legacy annotation)
 * are served unchanged by {@code --controller-class k8s.io/ingress-nginx}, and without it are not served, each with
 * one Warning event naming its class and what Kubeway answers. The same for a folder without any IngressClass.
 */
class IngressClassSwapIT {
    static final String IP = "127.0.71.1";
    static final String BACKEND_IP = "127.0.72.1";
    static final List<String> SWAP = List.of("k8s.io/ingress-nginx");

    @TempDir
    Path tmp;
    Harness h;
    int port;

    /** ingress-nginx's IngressClass, as its Helm chart and static manifests create it. */
    static final String NGINX_CLASS = """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: nginx
              labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}
            spec:
              controller: k8s.io/ingress-nginx
            """;

    /** An application's Ingress as written for ingress-nginx. */
    static final String APP = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: app
              annotations:
                nginx.ingress.kubernetes.io/proxy-body-size: 8m
            spec:
              ingressClassName: nginx
              rules:
              - host: app.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
            """;

    /** An older one, with the legacy annotation instead of ingressClassName. */
    static final String LEGACY = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: legacy
              annotations:
                kubernetes.io/ingress.class: nginx
            spec:
              rules:
              - host: legacy.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
            """;

    Harness start(boolean withClass, List<String> controllerClasses) throws IOException {
        h = new Harness(tmp, "127.107.0.0/16", "127.108.0.0/24");
        port = FreePorts.first(FreePorts.range(1));
        h.ingress = new IngressSettings("kubeway", false, new InetSocketAddress(IpLiterals.of(IP), port), null, null,
                null, List.of(), List.of(), "off", false, controllerClasses, false);
        h.write("app.yaml", pod("app-1", "{app: app}", BACKEND_IP, "[{name: http, containerPort: 8080}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                spec:
                  selector: {app: app}
                  ports: [{port: 80, targetPort: http}]
                ---
                """ + APP + "---\n" + LEGACY);
        if (withClass) h.write("ingress-nginx.yaml", NGINX_CLASS);
        h.backend(BACKEND_IP, 8080, "app-1");
        return h.start();
    }

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
    }

    @Test
    void ingressNginxInstallationIsServedAsItIsWithTheControllerClass() throws Exception {
        start(true, SWAP);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(get(IP, port, "app.example.com", "/").backend()).isEqualTo("app-1");
            assertThat(get(IP, port, "legacy.example.com", "/x").backend()).isEqualTo("app-1");
        });
        assertThat(h.events("app")).isEmpty();
        assertThat(h.events("legacy")).isEmpty();
    }

    @Test
    void withoutTheControllerClassIngressNginxsIngressesAreNotServedAndSaySo() throws Exception {
        start(true, List.of());
        String file = h.manifests.resolve("app.yaml").toString();
        String answers = "kubeway answers the IngressClasses whose controller is kubeway.io/ingress-controller (there "
                + "is none)";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(h.events("app")).extracting(Event::getType, Event::getReason, Event::getMessage)
                    .containsExactly(Tuple.tuple("Warning", "OtherClass", "not served: its class is \"nginx\" "
                            + "(spec.ingressClassName), whose controller is k8s.io/ingress-nginx (--controller-class "
                            + "k8s.io/ingress-nginx serves it); " + answers + " (" + file + ")"));
            assertThat(h.events("legacy")).extracting(Event::getReason, Event::getMessage)
                    .containsExactly(Tuple.tuple("OtherClass", "not served: its class is \"nginx\" (annotation "
                            + "kubernetes.io/ingress.class), whose controller is k8s.io/ingress-nginx "
                            + "(--controller-class k8s.io/ingress-nginx serves it); " + answers + ", and class "
                            + "\"kubeway\" (--ingress-class) in this annotation (" + file + ")"));
        });
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get(IP, port, "app.example.com", "/").status()).isEqualTo(404));
        assertThat(get(IP, port, "legacy.example.com", "/").status()).isEqualTo(404);
    }

    @Test
    void withoutAnyIngressClassTheControllerClassServesClassNginx() throws Exception {
        start(false, SWAP);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(get(IP, port, "app.example.com", "/").backend()).isEqualTo("app-1");
            assertThat(get(IP, port, "legacy.example.com", "/").backend()).isEqualTo("app-1");
        });
        assertThat(h.events("app")).isEmpty();
    }

    @Test
    void withoutAnyIngressClassOrTheControllerClassClassNginxIsNotServed() throws Exception {
        start(false, List.of());
        String file = h.manifests.resolve("app.yaml").toString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.events("app"))
                .extracting(Event::getReason, Event::getMessage)
                .containsExactly(Tuple.tuple("OtherClass", "not served: its class is \"nginx\" (spec.ingressClassName) "
                        + "(--controller-class k8s.io/ingress-nginx serves it); kubeway answers class \"kubeway\" "
                        + "(--ingress-class) (" + file + ")")));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get(IP, port, "app.example.com", "/").status()).isEqualTo(404));
    }
}
