package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.SourcedObject;
import io.kubeway.state.ListenKey;
import io.kubeway.tls.DefaultCertificate;
import io.kubeway.translate.ingress.IngressOptions;
import io.kubeway.translate.ingress.IngressTranslation;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Ingress part of a sync takes from a snapshot: here, which IngressClasses exist. */
class IngressSyncTest {
    private final IngressSync sync = new IngressSync(new IngressOptions(IngressOptions.DEFAULT_CLASS,
            IngressOptions.CONTROLLER_NAME, false, null, null, List.of(),
            List.of(new ListenKey(java.net.InetAddress.getLoopbackAddress(), 8080,
                    io.kubeway.core.Protocol.TCP)), List.of(), "node-1"),
            DefaultCertificate.create(Instant.parse("2026-01-01T00:00:00Z")), Clock.systemUTC());

    private static Ingress ingress(String className) {
        return new IngressBuilder().withNewMetadata().withNamespace("default").withName("web").endMetadata()
                .withNewSpec().withIngressClassName(className).withNewDefaultBackend().withNewService().withName("web")
                .withNewPort().withNumber(80).endPort().endService().endDefaultBackend().endSpec().build();
    }

    private static HasMetadata ingressClass(String name, String controller) {
        return new IngressClassBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withController(controller).endSpec().build();
    }

    private IngressTranslation run(List<Problem> problems, HasMetadata... objects) {
        List<SourcedObject> sourced = new ArrayList<>();
        for (HasMetadata o : objects) sourced.add(new SourcedObject(o, "manifests/web.yaml"));
        return sync.sync(new ClusterSnapshot(sourced, List.of()), List.of(), List.of(), problems);
    }

    @Test
    void anInvalidIngressClassDoesNotExistAndSaysWhy() {
        List<Problem> problems = new ArrayList<>();
        IngressTranslation t = run(problems, ingressClass("custom", "kubeway.io/"), ingress("custom"));
        assertThat(t.handled()).isEmpty();
        assertThat(problems).extracting(Problem::message).contains("IngressClass \"custom\" is invalid: "
                + "spec.controller: Invalid value: \"kubeway.io/\": must be a domain-prefixed path (such as \"acme.io/foo\")");

        problems.clear();
        t = run(problems, ingressClass("custom", IngressOptions.CONTROLLER_NAME), ingress("custom"));
        assertThat(t.handled()).extracting(i -> i.getMetadata().getName()).containsExactly("web");
        assertThat(problems).extracting(Problem::message).noneMatch(m -> m.contains("IngressClass"));
    }

    /**
     * An Ingress whose backend is missing warns once, and an EndpointSlice change that no Ingress depends on (the
     * last translation is kept) or one that it does (its clusters are swapped in) neither repeats nor drops the event.
     */
    @Test
    void anEndpointChangeNeitherRepeatsNorDropsAnIngressWarning() {
        IngressScale scale = new IngressScale(8, 2, 2, DefaultCertificate.create(Instant.parse("2026-01-01T00:00:00Z")));
        Ingress broken = new IngressBuilder(scale.ingresses.get(1)).editSpec().editFirstRule().editHttp()
                .editFirstPath().editBackend().editService().withName("gone").endService().endBackend().endPath()
                .endHttp().endRule().endSpec().build();
        scale.ingresses.set(1, broken);
        EventRecorder events = new EventRecorder(Clock.systemUTC(), "node-1", 100);
        List<List<String>> seen = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            if (step == 1) scale.slices.set(7, scale.slice(7, 2, 0)); // svc-7: no Ingress uses it
            if (step == 2) scale.slices.set(0, scale.slice(0, 2, 1)); // svc-0: ing-0's backend
            List<Problem> problems = new ArrayList<>();
            IngressTranslation t = sync.sync(scale.snapshot(), List.copyOf(scale.services), List.copyOf(scale.slices),
                    problems);
            assertThat(t.handled()).hasSize(2);
            seen.add(problems.stream().map(p -> p.reason() + ": " + p.message()).toList());
            events.observe(problems, ref -> null);
        }
        assertThat(seen.get(0)).contains("ServiceNotFound: service ns-1/gone not found; its paths answer 503");
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
        assertThat(seen.get(2)).isEqualTo(seen.get(0));
        assertThat(events.events()).filteredOn(e -> e.getReason().equals("ServiceNotFound")).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    }
}
