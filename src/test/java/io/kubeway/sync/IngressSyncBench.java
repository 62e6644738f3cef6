package io.kubeway.sync;

import io.kubeway.core.Problem;
import io.kubeway.core.Protocol;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.tls.DefaultCertificate;
import io.kubeway.translate.ingress.IngressOptions;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The Ingress part of one sync at scale (bench/README.md, "In a cluster at scale"): {@link IngressScale}'s cluster
 * (default 10,000 Services and slices of 10 endpoints, 1,000 Ingresses), then the time {@link IngressSync#sync} takes
 * for one change at a time: an EndpointSlice (one endpoint's ready condition flipped; in a Service some Ingress uses,
 * and in one none uses), an Ingress (its backends edited), a TLS Secret (a new version). Each kind is repeated
 * {@code rounds} times after as many warm-up rounds; prints the median, p90 and max in milliseconds.
 * Usage: {@code IngressSyncBench [services] [endpoints] [ingresses] [rounds]}.
 */
public final class IngressSyncBench {
    private IngressSyncBench() {
    }

    public static void main(String[] args) {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int endpoints = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int ingresses = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        TlsCertificate cert = DefaultCertificate.selfSigned("bench", "bench", List.of("*.example.com"),
                Instant.now(), Duration.ofDays(2));
        IngressScale scale = new IngressScale(services, endpoints, ingresses, cert);
        IngressSync sync = new IngressSync(new IngressOptions(IngressOptions.DEFAULT_CLASS,
                IngressOptions.CONTROLLER_NAME, false, null, null, List.of(),
                List.of(new ListenKey(InetAddress.getLoopbackAddress(), 8080, Protocol.TCP)),
                List.of(new ListenKey(InetAddress.getLoopbackAddress(), 8443, Protocol.TCP)), "node-0"),
                DefaultCertificate.create(Instant.parse("2026-01-01T00:00:00Z")), Clock.systemUTC());
        Random random = new Random(1);
        long t0 = System.nanoTime();
        run(sync, scale.snapshot(), scale);
        System.out.printf("BENCH first sync (%d services, %d Ingresses): %.1f ms%n", services, ingresses,
                (System.nanoTime() - t0) / 1e6);
        List<Integer> used = new ArrayList<>();
        List<Integer> unused = new ArrayList<>();
        java.util.Set<String> backends = new java.util.HashSet<>();
        scale.ingresses.forEach(i -> i.getSpec().getRules().forEach(r -> r.getHttp().getPaths().forEach(p ->
                backends.add(i.getMetadata().getNamespace() + "/" + p.getBackend().getService().getName()))));
        for (int i = 0; i < services; i++) {
            (backends.contains(IngressScale.namespace(i) + "/svc-" + i) ? used : unused).add(i);
        }
        ClusterSnapshot snap = scale.snapshot();
        for (String kind : List.of("slice of a Service an Ingress uses", "slice of a Service no Ingress uses",
                "Ingress", "TLS Secret")) {
            double[] ms = new double[rounds];
            for (int r = -rounds; r < rounds; r++) {
                switch (kind.charAt(0) == 's' ? (kind.contains("no Ingress") ? 1 : 0) : kind.charAt(0) == 'I' ? 2 : 3) {
                    case 0, 1 -> {
                        List<Integer> pool = kind.contains("no Ingress") ? unused : used;
                        int i = pool.get(random.nextInt(pool.size()));
                        scale.slices.set(i, scale.slice(i, endpoints, random.nextInt(endpoints)));
                    }
                    case 2 -> {
                        int i = random.nextInt(ingresses);
                        scale.ingresses.set(i, scale.ingress(i, 1 + random.nextInt(3)));
                        snap = scale.snapshot();
                    }
                    default -> {
                        int i = random.nextInt(scale.secrets.size());
                        scale.secrets.set(i, scale.secret(i * 4, 1 + random.nextInt(1000)));
                        snap = scale.snapshot();
                    }
                }
                long start = System.nanoTime();
                run(sync, snap, scale);
                if (r >= 0) ms[r] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(ms);
            var t = sync.translator();
            System.out.printf("BENCH   (so far: %d full translations, %d host-group translations, %d endpoint swaps)%n",
                    t.translations(), t.groupTranslations(), t.swaps());
            System.out.printf("BENCH one %s: median %.3f ms, p90 %.3f ms, max %.3f ms (%d changes)%n", kind,
                    ms[rounds / 2], ms[rounds * 9 / 10], ms[rounds - 1], rounds);
        }
    }

    private static void run(IngressSync sync, ClusterSnapshot snap, IngressScale scale) {
        List<Problem> problems = new ArrayList<>();
        sync.sync(snap, List.copyOf(scale.services), List.copyOf(scale.slices), problems);
        if (!problems.isEmpty()) throw new IllegalStateException("unexpected problems: " + problems.subList(0, 1));
    }
}
