package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.sync.SyncRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The leader loop: runs on every instance, works only while this instance holds the lease. Each pass takes the
 * latest snapshot and allocates LoadBalancer IPs ({@link LoadBalancerController}, role {@code loadbalancer}) and
 * writes Ingress status ({@link IngressStatusController}, role {@code ingress}). Its problems go to
 * {@code problems} (events). Passes are coalesced and retried like the node loop's ({@link SyncRunner}).
 */
public final class LeaderLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderLoop.class);

    private final LeaderElection election;
    private final LoadBalancerController loadBalancers;
    private final IngressStatusController ingressStatus;
    private final Supplier<List<Ingress>> handledIngresses;
    private final Consumer<List<Problem>> problems;
    private final SyncRunner runner;
    private volatile ClusterSnapshot latest;
    private boolean ledBefore;

    /**
     * @param loadBalancers    null without the {@code loadbalancer} role
     * @param ingressStatus    null without the {@code ingress} role
     * @param handledIngresses the Ingresses the node loop handles, with the status they should have
     */
    public LeaderLoop(LeaderElection.Factory elections, LoadBalancerController loadBalancers,
                      IngressStatusController ingressStatus, Supplier<List<Ingress>> handledIngresses,
                      Consumer<List<Problem>> problems) {
        this.loadBalancers = loadBalancers;
        this.ingressStatus = ingressStatus;
        this.handledIngresses = requireNonNull(handledIngresses, "handledIngresses");
        this.problems = requireNonNull(problems, "problems");
        this.runner = new SyncRunner("leader", this::pass, Duration.ofMillis(20), Duration.ofSeconds(30),
                Duration.ofSeconds(1));
        this.election = elections.create(runner::request);
    }

    public void start() {
        runner.start();
        election.start();
    }

    /** A new snapshot (or a node sync that changed what Ingress status should be). */
    public void changed(ClusterSnapshot snap) {
        if (snap != null) latest = snap;
        runner.request();
    }

    public boolean leading() {
        return election.leading();
    }

    public String leader() {
        return election.leader();
    }

    private void pass() {
        ClusterSnapshot snap = latest;
        if (snap == null || !election.leading()) {
            ledBefore = false;
            return;
        }
        if (!ledBefore && loadBalancers != null) {
            loadBalancers.invalidate(); // another leader may have written while this instance did not lead
        }
        ledBefore = true;
        List<Problem> found = new ArrayList<>();
        if (loadBalancers != null) found.addAll(loadBalancers.sync(snap));
        if (ingressStatus != null) found.addAll(ingressStatus.sync(snap, handledIngresses.get()));
        if (!found.isEmpty()) {
            log.debug("leader pass: {} problem(s)", found.size());
        }
        problems.accept(found);
        long retry = loadBalancers == null ? -1 : loadBalancers.nextRetry();
        if (retry >= 0) runner.requestWithin(retry); // a failed status write is due again then
    }

    @Override
    public void close() {
        election.close();
        runner.close();
    }
}
