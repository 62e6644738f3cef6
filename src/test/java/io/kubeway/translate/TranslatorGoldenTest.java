package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.state.Endpoint;
import io.kubeway.state.L4Listener;
import io.kubeway.testing.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.kubeway.testing.Golden.ofType;

/**
 * Golden tests for the pure translation: {@code translate/<case>.in.yaml} (admitted, allocated Services,
 * Pods, EndpointSlices, Endpoints) → {@code <case>.out.txt} (listeners with their endpoints, derived
 * EndpointSlices, problems). Regenerate with {@code -Dkubeway.updateGolden=true} and review the diff.
 * This node is {@code node-1} with addresses 127.0.0.1 and 127.0.0.2.
 */
class TranslatorGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/translate");

    static Stream<String> cases() throws IOException {
        return Golden.cases(DIR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translate(String name) throws IOException {
        List<HasMetadata> objects = Golden.objects(DIR, name);
        Map<NamespacedName, String> sources = new HashMap<>();
        objects.stream().filter(Service.class::isInstance)
                .forEach(o -> sources.put(NamespacedName.of(o), name + ".in.yaml"));
        Translation t = Translator.translate(new TranslatorInput(ofType(objects, Service.class), sources,
                ofType(objects, Pod.class), ofType(objects, EndpointSlice.class), ofType(objects, Endpoints.class),
                "node-1",
                List.of(IpLiterals.of("127.0.0.1"), IpLiterals.of("127.0.0.2"))));
        String actual = render(t);
        Golden.check(DIR, name, actual);
    }

    static String render(Translation t) {
        StringBuilder sb = new StringBuilder("# listeners\n");
        for (L4Listener l : new java.util.TreeMap<>(t.state().l4()).values()) {
            sb.append(l.key()).append(' ').append(l.kind()).append(' ').append(l.service())
                    .append(" cluster=").append(l.cluster().name());
            if (!l.sourceRanges().isEmpty()) {
                sb.append(" sources=").append(l.sourceRanges());
            }
            if (l.cluster().hasAffinity()) {
                sb.append(" affinity=").append(l.cluster().affinityTimeoutSeconds()).append('s');
            }
            sb.append('\n');
            if (l.cluster().endpoints().isEmpty()) {
                sb.append("  -> (none: reject)\n");
            }
            for (Endpoint e : l.cluster().endpoints()) {
                sb.append("  -> ").append(e).append(' ').append(e.target()).append('\n');
            }
        }
        sb.append("# endpointslices\n");
        for (EndpointSlice s : t.endpointSlices()) {
            sb.append(s.getMetadata().getNamespace()).append('/').append(s.getMetadata().getName()).append(' ')
                    .append(s.getAddressType()).append(" ports=")
                    .append(s.getPorts().stream().map(p -> p.getName() + ":" + p.getPort() + "/" + p.getProtocol())
                            .collect(Collectors.joining(",", "[", "]")))
                    .append('\n');
            s.getEndpoints().forEach(e -> sb.append("  ").append(String.join(",", e.getAddresses()))
                    .append(" ready=").append(e.getConditions().getReady())
                    .append(" serving=").append(e.getConditions().getServing())
                    .append(" terminating=").append(e.getConditions().getTerminating())
                    .append(" node=").append(e.getNodeName())
                    .append(" target=").append(e.getTargetRef() == null ? null : e.getTargetRef().getName())
                    .append('\n'));
        }
        sb.append("# problems\n");
        for (Problem p : t.problems()) {
            sb.append(p.reason()).append(' ').append(p.object()).append(": ").append(p.message()).append('\n');
        }
        return sb.toString();
    }
}
