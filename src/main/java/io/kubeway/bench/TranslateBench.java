package io.kubeway.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubeway.core.IpLiterals;
import io.kubeway.translate.IncrementalTranslator;
import io.kubeway.translate.Translation;
import io.kubeway.translate.Translator;
import io.kubeway.translate.TranslatorInput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Translation cost at scale: N services with 10 pod endpoints each. {@code full} is the pure translation
 * from scratch (startup); {@code onePodChanged} is the incremental translation after one pod changed
 * (the common case: an endpoint coming or going).
 * Run: {@code java -cp target/kubeway-*-all.jar org.openjdk.jmh.Main TranslateBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class TranslateBench {
    @Param({"5000"})
    int services;

    private List<Service> svcs;
    private List<Pod> pods;
    private IncrementalTranslator incremental;
    private int flip;

    @Setup
    public void setUp() {
        svcs = new ArrayList<>();
        pods = new ArrayList<>();
        int ip = 0;
        for (int i = 0; i < services; i++) {
            String ns = "ns-" + (i % 10);
            svcs.add(new ServiceBuilder().withNewMetadata().withName("svc-" + i).withNamespace(ns).withUid("u" + i)
                    .endMetadata().withNewSpec().withType("ClusterIP")
                    .withClusterIP("127.9" + (6 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256))
                    .withSelector(Map.of("app", "app-" + i)).withInternalTrafficPolicy("Cluster")
                    .addNewPort().withName("http").withPort(80).withProtocol("TCP").withNewTargetPort("http").endPort()
                    .endSpec().build());
            for (int e = 0; e < 10; e++) {
                ip++;
                pods.add(pod(ns, "pod-" + i + "-" + e, "app-" + i, "127." + (1 + ip / 65536) + "." + (ip / 256 % 256) + "." + (ip % 256)));
            }
        }
        incremental = new IncrementalTranslator();
        incremental.translate(input());
    }

    private static Pod pod(String ns, String name, String app, String ip) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(Map.of("app", app))
                .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i").addNewPort()
                .withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
    }

    private TranslatorInput input() {
        return new TranslatorInput(svcs, Map.of(), pods, List.of(), List.of(), "node-1",
                List.of(IpLiterals.of("127.0.0.1")));
    }

    @Benchmark
    public Translation full() {
        return Translator.translate(input());
    }

    @Benchmark
    public Translation onePodChanged() {
        Pod p = pods.get(7);
        pods.set(7, pod(p.getMetadata().getNamespace(), p.getMetadata().getName(), "app-0",
                "127.200.0." + (1 + (flip++ & 63))));
        return incremental.translate(input());
    }
}
