package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.source.ClusterSnapshot.Sourced;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.tls.DefaultCertificate;
import io.kubeway.translate.endpoints.EndpointSliceValidation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incremental Ingress translation must give exactly the full translation's HTTP state, statuses and problems
 * after every change (so the Warning events neither repeat nor go missing): Ingresses added, edited and removed, on
 * colliding hosts (merged by host, conflicts, wildcards, rules without host), invalid ones, other classes, canaries,
 * default backends, TLS with good, broken and missing Secrets, basic authentication from a Secret; Services removed
 * and added back, slices changing, moving and going; this node's Node and another one changing. Problems are compared
 * as a multiset: an Ingress change translates its host group again, whose problems then come last.
 */
class IncrementalIngressTranslatorTest {
    private static final List<String> HOSTS = List.of("a.example.com", "b.example.com", "*.example.com", "");
    private static final TlsCertificate CERT = DefaultCertificate.selfSigned("test", "test",
            List.of("a.example.com", "*.example.com"), Instant.parse("2026-01-01T00:00:00Z"), Duration.ofDays(3650));
    private final Random random = new Random(9);
    private int version;

    @Test
    void matchesTheFullTranslationThroughRandomChanges() {
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < 10; i++) services.add(service(i, 80));
        List<EndpointSlice> slices = new ArrayList<>();
        for (int i = 0; i < 12; i++) slices.add(slice("s-" + i, random.nextInt(12)));
        List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < 4; i++) secrets.add(tlsSecret(i, true));
        secrets.add(authSecret(true));
        Map<String, Ingress> ingresses = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) ingresses.put("ing-" + i, ingress(i));
        List<Node> nodes = new ArrayList<>(List.of(node("node-1", "192.0.2.1"), node("node-2", "192.0.2.2")));
        IngressOptions options = new IngressOptions(IngressOptions.DEFAULT_CLASS,
                List.of(IngressOptions.CONTROLLER_NAME), false, false, null, null, List.of(),
                List.of(new ListenKey(IpLiterals.of("0.0.0.0"), 8080, Protocol.TCP)),
                List.of(new ListenKey(IpLiterals.of("127.0.0.1"), 8443, Protocol.TCP)), "node-1", true);

        IncrementalIngressTranslator incremental = new IncrementalIngressTranslator();
        int steps = 600;
        int passthrough = 0;
        for (int step = 0; step < steps; step++) {
            switch (random.nextInt(12)) {
                case 0, 1 -> { // an Ingress edited or added (hosts, paths, backends, TLS, class, validity drawn anew)
                    int i = random.nextInt(12);
                    ingresses.put("ing-" + i, ingress(i));
                }
                case 2 -> {
                    if (!ingresses.isEmpty()) {
                        ingresses.remove(new ArrayList<>(ingresses.keySet()).get(random.nextInt(ingresses.size())));
                    }
                }
                case 3, 4 -> { // one endpoint's readiness, or a slice moving to another Service
                    int i = random.nextInt(slices.size());
                    slices.set(i, slice(slices.get(i).getMetadata().getName(), random.nextInt(5) == 0
                            ? random.nextInt(12) : owner(slices.get(i))));
                }
                case 5 -> {
                    if (slices.size() > 2 && random.nextBoolean()) slices.remove(random.nextInt(slices.size()));
                    else slices.add(random.nextInt(slices.size() + 1), slice("s-" + (100 + step), random.nextInt(12)));
                }
                case 6 -> { // a Service removed, added back, or its port changed
                    int i = random.nextInt(10);
                    services.removeIf(s -> s.getMetadata().getName().equals("svc-" + i));
                    if (random.nextInt(3) > 0) services.add(Math.min(i, services.size()), service(i, random.nextBoolean() ? 80 : 81));
                }
                case 7 -> { // a Secret broken, repaired, removed or added back
                    int i = random.nextInt(5);
                    secrets.removeIf(s -> s.getMetadata().getName().equals(i == 4 ? "auth" : "tls-" + i));
                    if (random.nextInt(4) > 0) {
                        secrets.add(Math.min(i, secrets.size()), i == 4 ? authSecret(random.nextBoolean())
                                : tlsSecret(i, random.nextBoolean()));
                    }
                }
                case 8 -> nodes.set(random.nextInt(2), node(random.nextBoolean() ? "node-1" : "node-2",
                        "192.0.2." + (1 + random.nextInt(3))));
                default -> { } // nothing changed
            }
            List<Sourced<Ingress>> ing = ingresses.values().stream().map(i -> new Sourced<>(i, "ingresses.yaml"))
                    .toList();
            List<Sourced<Secret>> sec = secrets.stream().map(s -> new Sourced<>(s, null)).toList();
            IngressTranslation inc = incremental.translate(ing, List.of(), sec, List.copyOf(services),
                    List.copyOf(slices), Fixtures.DEFAULT_CERT, options, ControllerConfig.NONE, List.copyOf(nodes));
            IngressTranslation full = IngressTranslator.translate(new IngressInput(ing, List.of(), sec,
                    List.copyOf(services), byService(slices), Fixtures.DEFAULT_CERT, options, ControllerConfig.NONE,
                    List.copyOf(nodes)));
            assertThat(inc.http()).as("step %d", step).isEqualTo(full.http());
            assertThat(inc.http().router().toString()).isEqualTo(full.http().router().toString());
            assertThat(((io.kubeway.state.http.routing.RouteTable) inc.http().router()).dump()).as("step %d", step)
                    .isEqualTo(((io.kubeway.state.http.routing.RouteTable) full.http().router()).dump());
            assertThat(inc.handled()).as("step %d", step).isEqualTo(full.handled());
            assertThat(inc.others()).as("step %d", step).isEqualTo(full.others());
            // as a set for the event recorder (a group translated again lists its problems last), and none twice
            assertThat(inc.problems()).as("step %d", step).containsExactlyInAnyOrderElementsOf(full.problems());
            if (!full.http().passthrough().isEmpty()) passthrough++;
        }
        assertThat(passthrough).as("steps with a passthrough host").isGreaterThan(steps / 10);
        // Not vacuous: changes no Ingress depends on were skipped, endpoint changes swapped in, the rest translated.
        assertThat(incremental.translations()).isBetween(1L, steps / 2L);
        assertThat(incremental.swaps()).isGreaterThan(2L);
        assertThat(incremental.groupTranslations()).isGreaterThan(steps / 10L);
    }

    private static Map<NamespacedName, List<EndpointSlice>> byService(List<EndpointSlice> slices) {
        Map<NamespacedName, List<EndpointSlice>> out = new HashMap<>();
        for (EndpointSlice s : slices) {
            String svc = EndpointSliceValidation.ownerService(s);
            if (svc != null) out.computeIfAbsent(new NamespacedName("default", svc), k -> new ArrayList<>()).add(s);
        }
        return out;
    }

    private static int owner(EndpointSlice s) {
        return Integer.parseInt(s.getMetadata().getLabels().get("kubernetes.io/service-name").substring(4));
    }

    private Ingress ingress(int i) {
        IngressBuilder b = new IngressBuilder();
        b.withNewMetadata().withNamespace("default").withName("ing-" + i)
                .withCreationTimestamp("2026-01-01T00:00:0" + random.nextInt(3) + "Z")
                .withResourceVersion(String.valueOf(++version)).endMetadata();
        Map<String, String> annotations = new HashMap<>();
        int kind = random.nextInt(10);
        if (kind == 0) annotations.put("nginx.ingress.kubernetes.io/canary", "true");
        if (kind == 1) {
            annotations.put("nginx.ingress.kubernetes.io/auth-type", "basic");
            annotations.put("nginx.ingress.kubernetes.io/auth-secret", "auth");
        }
        if (kind == 2 || kind == 3) {
            annotations.put("nginx.ingress.kubernetes.io/default-backend", "svc-" + random.nextInt(12));
            if (kind == 3) annotations.put("nginx.ingress.kubernetes.io/custom-http-errors", "404,503");
        }
        if (kind == 6) {
            annotations.put("nginx.ingress.kubernetes.io/server-alias",
                    List.of("c.example.com", "a.example.com", "*.example.com", "C.example.com, d.example.com")
                            .get(random.nextInt(4)));
        }
        if (kind == 4 || kind == 5) annotations.put("nginx.ingress.kubernetes.io/ssl-passthrough", "true");
        b.editMetadata().withAnnotations(annotations).endMetadata();
        boolean passthrough = kind == 4 || kind == 5;
        var spec = b.withNewSpec();
        if (random.nextInt(8) == 0 && !passthrough) spec.withIngressClassName("other");
        if (random.nextInt(6) == 0) {
            spec.withNewDefaultBackend().withNewService().withName("svc-" + random.nextInt(12)).withNewPort()
                    .withNumber(80).endPort().endService().endDefaultBackend();
        }
        int rules = passthrough ? 1 : random.nextInt(3);
        for (int r = 0; r < rules; r++) {
            String host = HOSTS.get(random.nextInt(passthrough ? 2 : HOSTS.size()));
            var rule = spec.addNewRule();
            if (!host.isEmpty()) rule.withHost(host);
            var http = rule.withNewHttp();
            int paths = 1 + random.nextInt(2);
            for (int p = 0; p < paths; p++) {
                String pathType = random.nextInt(12) == 0 ? "Bogus" : random.nextBoolean() ? "Prefix" : "Exact";
                http.addNewPath().withPath(passthrough ? "/" : List.of("/", "/api", "/x").get(random.nextInt(3)))
                        .withPathType(passthrough ? "Prefix" : pathType)
                        .withNewBackend().withNewService().withName("svc-" + random.nextInt(12)).withNewPort()
                        .withNumber(random.nextInt(5) == 0 ? 81 : 80).endPort().endService().endBackend().endPath();
            }
            http.endHttp().endRule();
        }
        if (random.nextInt(3) == 0) {
            spec.addNewTl().withHosts(HOSTS.get(random.nextInt(3))).withSecretName("tls-" + random.nextInt(6)).endTl();
        }
        spec.endSpec();
        return b.build();
    }

    private Service service(int i, int port) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("svc-" + i)
                .withResourceVersion(String.valueOf(++version)).endMetadata().withNewSpec()
                .withType(i == 9 ? "ExternalName" : "ClusterIP").withClusterIP("10.96.0." + (10 + i))
                .addNewPort().withProtocol("TCP").withPort(port).withNewTargetPort(8080).endPort().endSpec().build();
    }

    private EndpointSlice slice(String name, int svc) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(name)
                .withResourceVersion(String.valueOf(++version))
                .withLabels(Map.of("kubernetes.io/service-name", "svc-" + svc)).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("").withPort(8080).withProtocol("TCP").endPort();
        for (int e = 0; e < 3; e++) {
            b.addNewEndpoint().withAddresses("10.244." + svc + "." + (e + 1)).withNewConditions()
                    .withReady(random.nextInt(3) > 0).endConditions().endEndpoint();
        }
        return b.build();
    }

    private Secret tlsSecret(int i, boolean valid) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new SecretBuilder().withNewMetadata().withNamespace("default").withName("tls-" + i)
                .withResourceVersion(String.valueOf(++version)).endMetadata().withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", b64.encodeToString((valid ? CERT.certChainPem() : "garbage")
                                .getBytes(StandardCharsets.US_ASCII)),
                        "tls.key", b64.encodeToString(CERT.privateKeyPem().getBytes(StandardCharsets.US_ASCII))))
                .build();
    }

    private Secret authSecret(boolean valid) {
        return new SecretBuilder().withNewMetadata().withNamespace("default").withName("auth")
                .withResourceVersion(String.valueOf(++version)).endMetadata()
                .withData(Map.of("auth", Base64.getEncoder().encodeToString((valid ? "alice:{PLAIN}pw\n" : "\u0000")
                        .getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    private Node node(String name, String address) {
        return new NodeBuilder().withNewMetadata().withName(name).withResourceVersion(String.valueOf(++version))
                .endMetadata().withNewStatus().addNewAddress().withType("InternalIP").withAddress(address).endAddress()
                .endStatus().build();
    }
}
