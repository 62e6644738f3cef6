package io.kubeway.translate.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PodIndexTest {
    private static Pod labelled(String ns, String name, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
                .build();
    }

    private static final List<Pod> PODS = List.of(
            labelled("ns1", "web-1", Map.of("app", "web", "tier", "front")),
            labelled("ns1", "web-2", Map.of("app", "web", "tier", "back")),
            labelled("ns1", "db-1", Map.of("app", "db")),
            labelled("ns2", "web-3", Map.of("app", "web", "tier", "front")),
            labelled(null, "dflt", Map.of("app", "web")),
            labelled("ns1", "empty-value", Map.of("app", "")),
            new PodBuilder().withNewMetadata().withNamespace("ns1").withName("unlabelled").endMetadata().build());

    record Case(String name, String namespace, Map<String, String> selector, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Map<String, String> nullSelector = null;
        return Stream.of(
                new Case("one pair, namespace scoped", "ns1", Map.of("app", "web"), List.of("web-1", "web-2")),
                new Case("two pairs are ANDed", "ns1", Map.of("app", "web", "tier", "front"), List.of("web-1")),
                new Case("other namespace", "ns2", Map.of("app", "web"), List.of("web-3")),
                new Case("null namespace is default", null, Map.of("app", "web"), List.of("dflt")),
                new Case("value mismatch", "ns1", Map.of("app", "cache"), List.of()),
                new Case("key no pod has", "ns1", Map.of("app", "web", "zone", "a"), List.of()),
                new Case("empty value matches empty label", "ns1", Map.of("app", ""), List.of("empty-value")),
                new Case("empty selector selects nothing", "ns1", Map.of(), List.of()),
                new Case("null selector selects nothing", "ns1", nullSelector, List.of()),
                new Case("unknown namespace", "nope", Map.of("app", "web"), List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void selects(Case c) {
        List<String> names = new PodIndex(PODS).select(c.namespace, c.selector).stream()
                .map(p -> p.getMetadata().getName()).toList();
        assertThat(names).containsExactlyElementsOf(c.expected);
    }

    /** 50,000 pods x 5,000 selectors; asserts only the results, prints the time taken. */
    @Test
    void manySelectorsOverManyPods() {
        List<Pod> pods = new ArrayList<>(50_000);
        for (int i = 0; i < 50_000; i++) {
            Map<String, String> labels = new HashMap<>();
            labels.put("app", "app-" + (i % 5_000));     // 10 pods per app
            labels.put("tier", i % 2 == 0 ? "front" : "back");
            labels.put("team", "team-" + (i % 7));      // a big posting list the index must not start from
            pods.add(labelled("ns-" + (i % 5), "pod-" + i, labels));
        }
        long start = System.nanoTime();
        PodIndex index = new PodIndex(pods);
        long built = System.nanoTime();
        long total = 0;
        for (int s = 0; s < 5_000; s++) {
            // app-s lives in namespace s % 5 (i % 5000 == s implies i % 5 == s % 5); half are "front".
            List<Pod> got = index.select("ns-" + (s % 5), Map.of("team", "team-" + (s % 7), "app", "app-" + s,
                    "tier", s % 2 == 0 ? "front" : "back"));
            for (Pod p : got) {
                assertThat(p.getMetadata().getLabels()).containsEntry("app", "app-" + s);
            }
            total += got.size();
        }
        long done = System.nanoTime();
        System.out.printf("PodIndex: build 50000 pods %.1f ms, 5000 selects %.1f ms%n",
                (built - start) / 1e6, (done - built) / 1e6);
        // app-s has 10 pods (i = s + 5000k), all with the parity of s; the team pair keeps those with i%7 == s%7.
        long expected = 0;
        for (int s = 0; s < 5_000; s++) {
            for (int i = s; i < 50_000; i += 5_000) {
                if (i % 7 == s % 7) expected++;
            }
        }
        assertThat(total).isEqualTo(expected).isPositive();
    }
}
