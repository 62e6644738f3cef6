package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubeway.core.IpLiterals;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The incremental translator must always give what the full translation gives, whatever changed. */
class IncrementalTranslatorTest {
    private final Random random = new Random(42);

    @Test
    void matchesTheFullTranslationThroughRandomChanges() {
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            services.add(service(i, "app-" + (i % 5), i % 3 == 0 ? "Local" : "Cluster"));
        }
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pods.add(pod(i, "app-" + random.nextInt(6), random.nextBoolean(), "node-" + random.nextInt(2)));
        }
        IncrementalTranslator incremental = new IncrementalTranslator();
        for (int step = 0; step < 300; step++) {
            switch (random.nextInt(6)) {
                case 0 -> pods.set(random.nextInt(pods.size()),
                        pod(random.nextInt(1000), "app-" + random.nextInt(6), random.nextBoolean(), "node-1"));
                case 1 -> pods.remove(random.nextInt(pods.size()));
                case 2 -> pods.add(pod(1000 + step, "app-" + random.nextInt(6), true, "node-" + random.nextInt(2)));
                case 3 -> {
                    int i = random.nextInt(services.size());
                    services.set(i, service(i, "app-" + random.nextInt(6), random.nextBoolean() ? "Local" : "Cluster"));
                }
                case 4 -> { } // nothing changed: everything comes from the cache
                default -> {
                    int i = random.nextInt(pods.size());
                    Pod p = pods.get(i);
                    pods.set(i, new PodBuilder(p).editStatus().editFirstCondition()
                            .withStatus("True".equals(p.getStatus().getConditions().get(0).getStatus()) ? "False" : "True")
                            .endCondition().endStatus().build());
                }
            }
            TranslatorInput in = new TranslatorInput(services, Map.of(), pods, List.of(), List.of(), "node-1",
                    List.of(IpLiterals.of("127.0.0.1")));
            assertThat(TranslatorGoldenTest.render(incremental.translate(in)))
                    .as("step %d", step)
                    .isEqualTo(TranslatorGoldenTest.render(Translator.translate(in)));
        }
    }

    private static Service service(int i, String app, String etp) {
        return new ServiceBuilder().withNewMetadata().withName("svc-" + i).withNamespace("ns-" + (i % 2))
                .withUid("u" + i).endMetadata()
                .withNewSpec().withType("NodePort").withClusterIP("127.96.0." + (i + 1))
                .withClusterIPs("127.96.0." + (i + 1)).withSelector(Map.of("app", app))
                .withExternalTrafficPolicy(etp).withInternalTrafficPolicy("Cluster")
                .addNewPort().withName("http").withPort(80).withProtocol("TCP")
                .withNewTargetPort(8080).withNodePort(30000 + i).endPort()
                .endSpec().build();
    }

    private static Pod pod(int i, String app, boolean ready, String node) {
        return new PodBuilder().withNewMetadata().withName("pod-" + i).withNamespace("ns-" + (i % 2))
                .withLabels(Map.of("app", app)).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("i").endContainer().endSpec()
                .withNewStatus().withPodIP("127.0." + (i / 250) + "." + (i % 250 + 1))
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build();
    }

}
