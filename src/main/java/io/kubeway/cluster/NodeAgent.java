package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeway.dataplane.host.L2Speaker;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ClusterSnapshot.Sourced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the proxy role does on its node besides proxying: renews the node's heartbeat lease ({@link NodeLease})
 * and serves the health check node ports of {@code externalTrafficPolicy: Local} Services
 * ({@link HealthCheckNodePorts}), and announces, in layer 2, the LoadBalancer IPs that {@link L2Election} gives this node ({@link L2Speaker}),
 * re-deciding once a second so that an IP moves within a lease duration (6 s) plus a second when its node goes.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    static final Duration LEASE = Duration.ofSeconds(6);
    static final Duration RENEW = Duration.ofSeconds(2);

    private final String node;
    private final Clock clock;
    private final NodeLease lease;
    private final L2Speaker speaker;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("l2-speaker").daemon().factory());
    private volatile ClusterSnapshot latest;

    private final java.util.function.Supplier<java.util.List<Lease>> leases;

    private final HealthCheckNodePorts healthChecks;
    private volatile java.util.function.Consumer<java.util.List<io.kubeway.core.Problem>> problemSink = p -> { };

    /** Where this agent's problems go (IPs that no L2Advertisement selects, advertisements it cannot honour). */
    public void onProblems(java.util.function.Consumer<java.util.List<io.kubeway.core.Problem>> sink) {
        this.problemSink = sink;
    }

    public NodeAgent(KubernetesClient client, String namespace, String node, java.util.List<java.net.InetAddress> nodeAddresses,
                     java.util.function.Supplier<java.util.List<Lease>> leases, Clock clock) {
        this.healthChecks = new HealthCheckNodePorts(node, nodeAddresses);
        this.node = node;
        this.leases = leases;
        this.clock = clock;
        this.lease = new NodeLease(client, namespace, node, LEASE, RENEW, clock);
        this.speaker = new L2Speaker(this::mine);
    }

    public void changed(ClusterSnapshot snap) {
        latest = snap;
        try {
            healthChecks.update(snap.ofType(Service.class).stream().map(Sourced::object).toList(),
                    snap.ofType(EndpointSlice.class).stream().map(Sourced::object).toList());
        } catch (RuntimeException e) {
            log.warn("health check node ports: cannot update", e);
        }
    }

    public void start() {
        try {
            L2Speaker.strictArp();
        } catch (IOException e) {
            log.warn("cannot set arp_ignore=1 / arp_announce=2 (strict ARP): other nodes may answer ARP for "
                    + "LoadBalancer IPs: {}", e.getMessage());
        }
        lease.start();
        timer.scheduleWithFixedDelay(() -> {
            try {
                speaker.pass();
            } catch (Throwable t) { // the speaker keeps running whatever one pass met
                log.warn("L2 announcement pass failed", t);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** The LoadBalancer IPs this node announces now, with the interfaces each may use (empty: its subnet's). */
    private Map<String, java.util.List<String>> mine() {
        ClusterSnapshot snap = latest;
        if (snap == null) return Map.of();
        java.util.List<io.kubeway.core.Problem> problems = new java.util.ArrayList<>();
        L2Advertisements l2 = L2Advertisements.read(snap.ofType(io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)
                .stream().map(Sourced::object).toList(), problems);
        Map<String, Map<String, String>> labels = new java.util.HashMap<>();
        for (Sourced<io.fabric8.kubernetes.api.model.Node> n : snap.ofType(io.fabric8.kubernetes.api.model.Node.class)) {
            labels.put(n.object().getMetadata().getName(), L2Advertisements.labels(n.object()));
        }
        Map<String, L2Election.Announcement> who = L2Election.announcers(
                snap.ofType(Service.class).stream().map(Sourced::object).toList(),
                snap.ofType(EndpointSlice.class).stream().map(Sourced::object).toList(),
                leases.get(), labels, l2, clock.instant(), problems);
        problemSink.accept(problems);
        Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
        who.forEach((ip, a) -> {
            if (a.node().equals(node)) out.put(ip, a.interfaces());
        });
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        speaker.release();
        lease.close();
        healthChecks.close();
    }
}
