package io.kubeway.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Leader election with a {@code coordination.k8s.io} Lease in Kubeway's namespace, as client-go's
 * leaderelection (fabric8's implementation): the holder renews it; when it stops (or its node goes), another
 * candidate takes it once the lease has expired. The holder identity names the pod, so
 * {@code kubectl get lease -n kubeway-system} shows who leads. A candidate that loses the lease stands again.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    /** Lease timings; client-go's defaults are 15 s / 10 s / 2 s. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2));
    }

    /** Makes the election of one loop, given what to call when leadership changes. */
    public interface Factory {
        LeaderElection create(Runnable onChange);
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timing timing;
    private final Runnable onChange;
    private volatile boolean leading;
    private volatile String leader = "";
    private volatile boolean closed;
    private CompletableFuture<?> running;

    /**
     * @param onChange called (on the elector's thread) when this candidate starts or stops leading
     */
    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
                          Runnable onChange) {
        this.client = requireNonNull(client, "client");
        this.namespace = requireNonNull(namespace, "namespace");
        this.leaseName = requireNonNull(leaseName, "leaseName");
        this.identity = requireNonNull(identity, "identity");
        this.timing = requireNonNull(timing, "timing");
        this.onChange = requireNonNull(onChange, "onChange");
    }

    public synchronized void start() {
        if (closed) return;
        var config = new LeaderElectionConfigBuilder().withName("kubeway")
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.leaseDuration()).withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> leading(true), () -> leading(false), this::newLeader))
                .build();
        running = client.leaderElector().withConfig(config).build().start();
        running.whenComplete((ok, err) -> {
            leading(false);
            if (!closed) {
                if (err != null && !(err instanceof java.util.concurrent.CancellationException)) {
                    log.warn("leader election for lease {}/{} stopped: {}; standing again", namespace, leaseName,
                            err.getMessage());
                }
                CompletableFuture.delayedExecutor(timing.retryPeriod().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(this::start);
            }
        });
    }

    private void leading(boolean now) {
        if (leading == now) return;
        leading = now;
        log.info("{} leading lease {}/{} as {}", now ? "started" : "stopped", namespace, leaseName, identity);
        onChange.run();
    }

    private void newLeader(String who) {
        leader = who == null ? "" : who;
        log.info("lease {}/{} is held by {}", namespace, leaseName, leader);
    }

    public boolean leading() {
        return leading;
    }

    /** The holder identity last seen, or "" when unknown. */
    public String leader() {
        return leader;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (running != null) running.cancel(true);
        leading = false;
    }
}
