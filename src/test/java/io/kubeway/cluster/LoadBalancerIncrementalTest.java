package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.kubeway.allocate.LoadBalancerIps;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.SourcedObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leader's LoadBalancer pass looks only at the Services that changed and those that are LoadBalancers or hold
 * addresses; it must write exactly what a controller reading every Service afresh writes, through Services created,
 * deleted, turned into and out of LoadBalancers, and a pool too small for all (so a freed IP goes to one waiting).
 */
class LoadBalancerIncrementalTest {
    private final Random random = new Random(11);
    private int version;

    @Test
    void writesWhatAFullPassWritesThroughRandomChanges() {
        Recording incrementalWrites = new Recording();
        LoadBalancerController incremental = controller(incrementalWrites);
        Map<String, Service> services = new TreeMap<>(); // snapshot order: namespace, then name
        for (int i = 0; i < 30; i++) services.put(name(i), service(i, random.nextInt(4) == 0));
        GenericKubernetesResource pool = pool("198.51.100.8/30"); // 4 addresses for up to 30 claimants
        int passesThatWrote = 0;
        for (int step = 0; step < 300; step++) {
            int i = random.nextInt(40);
            switch (random.nextInt(5)) {
                case 0 -> services.remove(name(i));
                case 1, 2 -> services.put(name(i), service(i, random.nextBoolean()));
                case 3 -> {
                    if (random.nextInt(10) == 0) pool = pool(random.nextBoolean() ? "198.51.100.8/30" : "198.51.100.8/29");
                }
                default -> { } // nothing changed
            }
            ClusterSnapshot snap = snapshot(services, pool);
            Recording fullWrites = new Recording();
            List<Problem> full = controller(fullWrites).sync(snap);
            incrementalWrites.writes.clear();
            List<Problem> got = incremental.sync(snap);
            assertThat(incrementalWrites.writes).as("step %d", step).isEqualTo(fullWrites.writes);
            assertThat(got).as("step %d", step).containsExactlyInAnyOrderElementsOf(full);
            if (!incrementalWrites.writes.isEmpty()) passesThatWrote++;
            // the watch brings the writes back: the next snapshot holds the new status
            incrementalWrites.writes.forEach((nn, ips) -> services.computeIfPresent(nn.name(),
                    (k, svc) -> withStatus(svc, ips)));
        }
        assertThat(passesThatWrote).as("passes that wrote").isGreaterThan(15);
    }

    @Test
    void aFailedWriteIsRetriedAfterItsBackoffThroughTheQueueNotOnEveryPass() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        Recording ok = new Recording();
        StatusWriter flaky = new StatusWriter() {
            @Override
            public void serviceLoadBalancer(NamespacedName service, List<LoadBalancerIngress> ingress) {
                if (attempts.incrementAndGet() <= 2) throw new IllegalStateException("503 from the API server");
                ok.serviceLoadBalancer(service, ingress);
            }

            @Override
            public void ingressLoadBalancer(NamespacedName ingress, List<IngressLoadBalancerIngress> addresses) {
            }
        };
        LoadBalancerController lb = new LoadBalancerController(new LoadBalancerIps(List.of(), "kubeway.io/loadbalancer",
                false), flaky, Clock.systemUTC(), new WorkQueue<>(now::get, 100));
        Map<String, Service> services = new TreeMap<>(Map.of(name(1), service(1, true)));
        ClusterSnapshot snap = snapshot(services, pool("198.51.100.8/30"));

        assertThat(lb.sync(snap)).extracting(Problem::reason).containsExactly("StatusUpdateFailed");
        assertThat(lb.nextRetry()).isEqualTo(WorkQueue.MIN_BACKOFF);
        lb.sync(snap);
        lb.sync(snap);
        assertThat(attempts.get()).as("passes before the backoff do not write again").isEqualTo(1);

        now.addAndGet(lb.nextRetry());
        assertThat(lb.sync(snap)).extracting(Problem::reason).containsExactly("StatusUpdateFailed");
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(lb.nextRetry()).as("the second failure backs off twice as long").isEqualTo(2 * WorkQueue.MIN_BACKOFF);

        now.addAndGet(lb.nextRetry());
        assertThat(lb.sync(snap)).as("written: the problem is gone").isEmpty();
        assertThat(ok.writes).containsOnlyKeys(new NamespacedName("ns", name(1)));
        assertThat(lb.nextRetry()).isEqualTo(-1);
    }

    private static LoadBalancerController controller(StatusWriter writer) {
        return new LoadBalancerController(new LoadBalancerIps(List.of(), "kubeway.io/loadbalancer", false), writer,
                Clock.systemUTC());
    }

    private static String name(int i) {
        return String.format("svc-%02d", i);
    }

    private Service service(int i, boolean loadBalancer) {
        return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName(name(i))
                .withResourceVersion(String.valueOf(++version)).endMetadata()
                .withNewSpec().withType(loadBalancer ? "LoadBalancer" : "ClusterIP").withClusterIP("10.96.0." + (i + 1))
                .addNewPort().withPort(80).withProtocol("TCP").endPort().endSpec().build();
    }

    private Service withStatus(Service svc, List<String> ips) {
        ServiceBuilder b = new ServiceBuilder(svc).editMetadata().withResourceVersion(String.valueOf(++version))
                .endMetadata().withNewStatus().withNewLoadBalancer().endLoadBalancer().endStatus();
        for (String ip : ips) {
            b.editStatus().editLoadBalancer().addNewIngress().withIp(ip).withIpMode("VIP").endIngress()
                    .endLoadBalancer().endStatus();
        }
        return b.build();
    }

    private GenericKubernetesResource pool(String cidr) {
        return new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("IPAddressPool")
                .withNewMetadata().withNamespace("kubeway-system").withName("pool")
                .withResourceVersion(String.valueOf(++version)).endMetadata()
                .addToAdditionalProperties("spec", Map.of("addresses", List.of(cidr))).build();
    }

    private static ClusterSnapshot snapshot(Map<String, Service> services, GenericKubernetesResource pool) {
        List<SourcedObject> objects = new ArrayList<>();
        for (HasMetadata o : services.values()) objects.add(new SourcedObject(o, null));
        objects.add(new SourcedObject(pool, null));
        return new ClusterSnapshot(objects, List.of());
    }

    private static final class Recording implements StatusWriter {
        final Map<NamespacedName, List<String>> writes = new TreeMap<>();

        @Override
        public void serviceLoadBalancer(NamespacedName service, List<LoadBalancerIngress> ingress) {
            writes.put(service, ingress.stream().map(LoadBalancerIngress::getIp).toList());
        }

        @Override
        public void ingressLoadBalancer(NamespacedName ingress, List<IngressLoadBalancerIngress> addresses) {
        }
    }
}
