package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.admin.ListenerStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.kubeway.it.Harness.pod;
import static io.kubeway.it.Harness.whoAnswers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Chaos: the manifest folder becomes unreadable for 10 s while traffic flows. "Unreadable" must be honest
 * for root too, which chmod 000 is not (CAP_DAC_OVERRIDE reads through it). What fails for root as for
 * anyone is a path the kernel cannot resolve: the folder Kubeway watches is a symbolic link, atomically
 * swapped for a link to itself, so every stat, opendir and open below it fails with ELOOP ("Too many levels
 * of symbolic links"), through the production code path. Nothing is injected.
 */
class ManifestChaosIT {
    private static final String CLUSTER_IP = "127.106.0.10";
    /** Addresses this test owns (127/8 is all loopback): no fixed port on a shared address must be free. */
    private static final String NODE = "127.0.26.100";

    @TempDir
    Path tmp;
    Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void anUnreadableManifestFolderRemovesNoListenerAndFailsNoRequest() throws Exception {
        h = new Harness(tmp, "127.106.0.0/16", "127.107.0.0/24");
        h.nodeAddresses = List.of(NODE);
        Path real = Files.createDirectories(tmp.resolve("real-manifests"));
        Files.delete(h.manifests);
        Files.createSymbolicLink(h.manifests, real);
        for (int i = 1; i <= 2; i++) {
            h.backend("127.0.26." + i, 8080, "chaos-" + i);
        }
        h.write("pods.yaml", pod("chaos-1", "{app: chaos}", "127.0.26.1", "[{containerPort: 8080}]", true)
                + pod("chaos-2", "{app: chaos}", "127.0.26.2", "[{containerPort: 8080}]", true));
        h.write("svc.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: chaos}
                spec:
                  type: NodePort
                  clusterIP: %s
                  selector: {app: chaos}
                  ports: [{port: 80, targetPort: 8080}]
                """.formatted(CLUSTER_IP));
        h.start();
        Service before = h.service("chaos");
        int nodePort = before.getSpec().getPorts().get(0).getNodePort();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(whoAnswers(CLUSTER_IP, 80)).startsWith("chaos-");
            assertThat(whoAnswers(NODE, nodePort)).startsWith("chaos-");
        });
        Set<String> listeners = listenerAddresses();
        assertThat(listeners).contains(CLUSTER_IP + ":80/TCP", NODE + ":" + nodePort + "/TCP");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> load = List.of(client(CLUSTER_IP, 80, stop, ok, failures),
                client(NODE, nodePort, stop, ok, failures));
        load.forEach(Thread::start);
        try {
            Thread.sleep(1000);
            swap(h.manifests, h.manifests.getFileName()); // a link to itself: ELOOP below it
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean warned = false;
            while (System.nanoTime() < until) {
                assertThat(listenerAddresses()).as("no listener is removed").containsAll(listeners);
                warned |= h.server.view().events().stream().anyMatch(e -> "FailedToRead".equals(e.getReason())
                        && e.getMessage().contains(h.manifests.toString()));
                Thread.sleep(100);
            }
            assertThat(warned).as("a FailedToRead warning names the folder").isTrue();
            Service during = h.find("chaos");
            assertThat(during.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
            assertThat(during.getMetadata().getCreationTimestamp()).isEqualTo(before.getMetadata().getCreationTimestamp());
            assertThat(during.getSpec()).isEqualTo(before.getSpec());

            swap(h.manifests, real);
            Thread.sleep(1000);
        } finally {
            stop.set(true);
            for (Thread t : load) {
                t.join(10_000);
            }
        }
        System.out.println("chaos: " + ok.get() + " requests answered, " + failures.size() + " failed");
        assertThat(failures).as("no request fails").isEmpty();
        assertThat(ok.get()).isGreaterThan(20);
        assertThat(listenerAddresses()).containsAll(listeners);

        // and the folder is watched again: an edit applies
        h.write("svc2.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: after}
                spec:
                  selector: {app: chaos}
                  ports: [{port: 81, targetPort: 8080}]
                """);
        h.service("after");
        assertThat(h.find("chaos").getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
    }

    /** Bounded load: one request per connection until stopped, at most 20,000. */
    private static Thread client(String ip, int port, AtomicBoolean stop, AtomicInteger ok, ConcurrentLinkedQueue<String> failures) {
        return new Thread(() -> {
            for (int i = 0; i < 20_000 && !stop.get(); i++) {
                try {
                    if (whoAnswers(ip, port).startsWith("chaos-")) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(ip + ":" + port + " answered by a stranger");
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add(ip + ":" + port + ": " + e);
                }
            }
        }, "chaos-load-" + port);
    }

    private Set<String> listenerAddresses() {
        return h.server.view().listeners().stream().filter(l -> l.error() == null).map(ListenerStatus::address)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Points {@code link} at {@code target} in one rename, as a ConfigMap volume swaps its data. */
    private static void swap(Path link, Path target) throws IOException {
        Path next = link.resolveSibling(link.getFileName() + ".next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, target);
        Files.move(next, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
