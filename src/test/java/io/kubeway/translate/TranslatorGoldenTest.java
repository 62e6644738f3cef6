package io.kubeway.translate;

import io.kubeway.core.IpLiterals;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.state.Endpoint;
import io.kubeway.state.L4Listener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden tests for the pure translation: {@code translate/<case>.in.yaml} (admitted, allocated Services,
 * Pods, EndpointSlices, Endpoints) → {@code <case>.out.txt} (listeners with their endpoints, derived
 * EndpointSlices, problems). Regenerate with {@code -Dkubeway.updateGolden=true} and review the diff.
 * This node is {@code node-1} with addresses 127.0.0.1 and 127.0.0.2.
 */
class TranslatorGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/translate");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".in.yaml"))
                    .map(n -> n.substring(0, n.length() - ".in.yaml".length())).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translate(String name) throws IOException {
        List<HasMetadata> objects = parse(Files.readString(DIR.resolve(name + ".in.yaml")));
        Map<NamespacedName, String> sources = new HashMap<>();
        objects.stream().filter(Service.class::isInstance)
                .forEach(o -> sources.put(NamespacedName.of(o), name + ".in.yaml"));
        Translation t = Translator.translate(new TranslatorInput(of(objects, Service.class), sources,
                of(objects, Pod.class), of(objects, EndpointSlice.class), of(objects, Endpoints.class), "node-1",
                List.of(IpLiterals.of("127.0.0.1"), IpLiterals.of("127.0.0.2"))));
        String actual = render(t);
        Path golden = DIR.resolve(name + ".out.txt");
        if (Boolean.getBoolean("kubeway.updateGolden") || !Files.exists(golden)) {
            Files.writeString(golden, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(golden));
    }

    @SuppressWarnings("unchecked")
    private static List<HasMetadata> parse(String yaml) {
        Object o = Serialization.unmarshal(yaml);
        List<HasMetadata> out = new ArrayList<>(o instanceof List<?> l ? (List<HasMetadata>) l : List.of((HasMetadata) o));
        out.forEach(x -> {
            if (x.getMetadata().getNamespace() == null) {
                x.getMetadata().setNamespace("default");
            }
        });
        return out;
    }

    private static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
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
