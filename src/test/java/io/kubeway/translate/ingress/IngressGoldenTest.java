package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.core.Protocol;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.testing.Golden;
import io.kubeway.translate.endpoints.EndpointSliceValidation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.kubeway.testing.Golden.ofType;

/**
 * Golden tests for the Ingress translation: {@code ingress/<case>.in.yaml} (Ingresses, IngressClasses, Secrets,
 * Services, EndpointSlices) → {@code <case>.out.txt} (the route table's dump, certificates, statuses, problems).
 * Regenerate with {@code -Dkubeway.updateGolden=true} and review the diff.
 *
 * <p>Options: class {@code kubeway}, HTTP on 127.0.0.1:8080, HTTPS on 127.0.0.1:8443, node {@code node-1};
 * a ConfigMap named {@code test-options} in a case overrides {@code watchWithoutClass},
 * {@code defaultBackendService}, {@code publishService}, {@code publishStatusAddresses} and {@code http}
 * (comma-separated {@code ip:port}).
 */
class IngressGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/ingress");

    static Stream<String> cases() throws IOException {
        return Golden.cases(DIR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translate(String name) throws IOException {
        List<HasMetadata> objects = Golden.objects(DIR, name);
        String source = name + ".in.yaml";
        Map<NamespacedName, List<EndpointSlice>> slices = new HashMap<>();
        for (EndpointSlice s : ofType(objects, EndpointSlice.class)) {
            slices.computeIfAbsent(new NamespacedName(s.getMetadata().getNamespace(),
                    EndpointSliceValidation.ownerService(s)), k -> new ArrayList<>()).add(s);
        }
        IngressInput in = new IngressInput(
                ofType(objects, Ingress.class).stream().map(i -> new ClusterSnapshot.Sourced<>(i, source)).toList(),
                ofType(objects, IngressClass.class),
                ofType(objects, Secret.class).stream().map(s -> new ClusterSnapshot.Sourced<>(s, source)).toList(),
                ofType(objects, Service.class), slices, new TlsCertificate("default", "cert", "key"),
                options(ofType(objects, ConfigMap.class)));
        String actual = render(IngressTranslator.translate(in));
        Golden.check(DIR, name, actual);
    }

    private static IngressOptions options(List<ConfigMap> maps) {
        Map<String, String> o = maps.stream().filter(m -> m.getMetadata().getName().equals("test-options"))
                .findFirst().map(ConfigMap::getData).orElse(Map.of());
        List<ListenKey> http = Arrays.stream(o.getOrDefault("http", "127.0.0.1:8080").split(","))
                .filter(s -> !s.isBlank()).map(IngressGoldenTest::listen).toList();
        return new IngressOptions(IngressOptions.DEFAULT_CLASS, IngressOptions.CONTROLLER_NAME,
                Boolean.parseBoolean(o.get("watchWithoutClass")), nn(o.get("defaultBackendService")),
                nn(o.get("publishService")),
                o.containsKey("publishStatusAddresses") ? List.of(o.get("publishStatusAddresses").split(","))
                        : List.of(),
                http, List.of(listen("127.0.0.1:8443")), "node-1");
    }

    private static ListenKey listen(String s) {
        int colon = s.lastIndexOf(':');
        return new ListenKey(IpLiterals.of(s.substring(0, colon).replace("[", "").replace("]", "")),
                Integer.parseInt(s.substring(colon + 1)), Protocol.TCP);
    }

    private static NamespacedName nn(String s) {
        return s == null ? null : new NamespacedName(s.split("/")[0], s.split("/")[1]);
    }

    static String render(IngressTranslation t) {
        StringBuilder sb = new StringBuilder("# routes\n");
        sb.append(((RouteTable) t.http().router()).dump());
        sb.append("# certificates\n");
        new java.util.TreeMap<>(t.http().certificates()).forEach((h, c) -> sb.append(h).append(" -> ")
                .append(c.name()).append('\n'));
        sb.append("# handled\n");
        for (Ingress i : t.handled()) {
            List<IngressLoadBalancerIngress> lb = i.getStatus().getLoadBalancer().getIngress();
            sb.append(NamespacedName.of(i)).append(" status=").append(lb.stream()
                    .map(a -> a.getIp() != null ? "ip:" + a.getIp() : "hostname:" + a.getHostname())
                    .collect(Collectors.joining(",", "[", "]"))).append('\n');
        }
        if (!t.others().isEmpty()) {
            sb.append("# other classes (listed, not served)\n");
            t.others().forEach(i -> sb.append(NamespacedName.of(i)).append('\n'));
        }
        sb.append("# problems\n");
        for (Problem p : t.problems()) {
            sb.append(p.warning() ? "Warning " : "Normal ").append(p.reason()).append(' ').append(p.object())
                    .append(p.source() == null ? "" : " [" + p.source() + "]").append(": ").append(p.message())
                    .append('\n');
        }
        return sb.toString();
    }
}
