package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kubeway.core.IpLiterals;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a cluster (slices from the API server, not derived from pods) the incremental translator must give exactly the
 * full translation's DesiredState, slices and problems after every change: Services added, removed, changed, sharing
 * external IPs (port conflicts), slices added, removed, moved to another Service, endpoints flipping ready, legacy
 * Endpoints mirrored. Its delta must name every key whose listener differs from the previous state's.
 */
class IncrementalClusterTranslationTest {
    private final Random random = new Random(7);
    private int version;

    @Test
    void matchesTheFullTranslationThroughRandomChanges() {
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < 16; i++) services.add(service(i));
        List<EndpointSlice> slices = new ArrayList<>();
        for (int i = 0; i < 24; i++) slices.add(slice("s-" + i, "svc-" + random.nextInt(20)));
        List<Endpoints> endpoints = new ArrayList<>();
        for (int i = 0; i < 4; i++) endpoints.add(endpoints(12 + i * 2));

        IncrementalTranslator incremental = new IncrementalTranslator();
        DesiredState previous = null;
        int withDelta = 0;
        for (int step = 0; step < 400; step++) {
            switch (random.nextInt(9)) {
                case 0 -> services.set(random.nextInt(services.size()), service(random.nextInt(20)));
                case 1 -> {
                    if (services.size() > 2) services.remove(random.nextInt(services.size()));
                }
                case 2 -> services.add(random.nextInt(services.size() + 1), service(random.nextInt(20)));
                case 3 -> slices.set(random.nextInt(slices.size()), slice("s-" + random.nextInt(40),
                        "svc-" + random.nextInt(20)));
                case 4 -> {
                    if (slices.size() > 2) slices.remove(random.nextInt(slices.size()));
                }
                case 5 -> slices.add(random.nextInt(slices.size() + 1), slice("s-" + (100 + step), "svc-" + random.nextInt(20)));
                case 6 -> endpoints.set(random.nextInt(endpoints.size()), endpoints(random.nextInt(20)));
                case 7 -> { } // nothing changed
                default -> {
                    int i = random.nextInt(slices.size());
                    EndpointSlice s = slices.get(i);
                    slices.set(i, slice(s.getMetadata().getName(),
                            s.getMetadata().getLabels().get("kubernetes.io/service-name")));
                }
            }
            TranslatorInput in = new TranslatorInput(dedupe(services), Map.of(), List.of(), slices,
                    dedupeEndpoints(endpoints), "node-1", List.of(IpLiterals.of("127.0.0.1")), false);
            Translation inc = incremental.translate(in);
            Translation full = Translator.translate(in);
            assertThat(inc.state()).as("step %d", step).isEqualTo(full.state());
            assertThat(inc.endpointSlices()).as("step %d", step).isEqualTo(full.endpointSlices());
            assertThat(inc.problems()).as("step %d", step).isEqualTo(full.problems());
            assertThat(TranslatorGoldenTest.render(inc)).isEqualTo(TranslatorGoldenTest.render(full));
            if (previous != null && inc.state() != previous) {
                DesiredState.Delta delta = inc.state().delta();
                assertThat(delta).as("step %d: a new state says what changed", step).isNotNull();
                assertThat(delta.from(previous.l4())).isTrue();
                Set<ListenKey> keys = new HashSet<>(previous.l4().keySet());
                keys.addAll(inc.state().l4().keySet());
                for (ListenKey k : keys) {
                    L4Listener before = previous.l4().get(k);
                    L4Listener after = inc.state().l4().get(k);
                    if (!delta.keys().contains(k)) {
                        assertThat(after).as("step %d: %s is outside the delta, so unchanged", step, k)
                                .isSameAs(before);
                    }
                }
                withDelta++;
            }
            previous = inc.state();
        }
        assertThat(withDelta).as("changes went through the delta path").isGreaterThan(100);
    }

    /** A source holds one object per name: the later one wins, in place. */
    private static List<Service> dedupe(List<Service> in) {
        Map<String, Service> byName = new java.util.LinkedHashMap<>();
        in.forEach(s -> byName.put(s.getMetadata().getName(), s));
        return List.copyOf(byName.values());
    }

    private static List<Endpoints> dedupeEndpoints(List<Endpoints> in) {
        Map<String, Endpoints> byName = new java.util.LinkedHashMap<>();
        in.forEach(e -> byName.put(e.getMetadata().getName(), e));
        return List.copyOf(byName.values());
    }

    private Service service(int i) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withName("svc-" + i).withNamespace("ns")
                .withUid("u" + i).withResourceVersion(String.valueOf(++version)).endMetadata()
                .withNewSpec().withType(random.nextBoolean() ? "NodePort" : "ClusterIP")
                .withClusterIP("127.96.0." + (i + 1)).withClusterIPs("127.96.0." + (i + 1))
                .withExternalTrafficPolicy(random.nextBoolean() ? "Local" : "Cluster").withInternalTrafficPolicy("Cluster")
                .addNewPort().withName("http").withPort(80).withProtocol("TCP").withNewTargetPort(8080)
                .withNodePort(30000 + random.nextInt(6)).endPort()
                .endSpec();
        if (i < 12) b.editSpec().withSelector(Map.of("app", "a" + i)).endSpec(); // the rest read Endpoints
        if (random.nextInt(3) == 0) b.editSpec().withExternalIPs("127.97.0." + random.nextInt(3)).endSpec();
        return b.build();
    }

    private EndpointSlice slice(String name, String svc) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace("ns").withName(name)
                .withResourceVersion(String.valueOf(++version))
                .addToLabels("kubernetes.io/service-name", svc).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort();
        int n = 1 + random.nextInt(3);
        for (int e = 0; e < n; e++) {
            boolean ready = random.nextInt(4) != 0;
            b.addNewEndpoint().withAddresses("127.98." + random.nextInt(4) + "." + (1 + random.nextInt(200)))
                    .withNodeName("node-" + random.nextInt(2))
                    .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions()
                    .endEndpoint();
        }
        return b.build();
    }

    private Endpoints endpoints(int svc) {
        return new EndpointsBuilder().withNewMetadata().withNamespace("ns").withName("svc-" + svc)
                .withResourceVersion(String.valueOf(++version)).endMetadata()
                .addNewSubset().addNewAddress().withIp("127.99.0." + (1 + random.nextInt(200))).endAddress()
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().endSubset().build();
    }
}
