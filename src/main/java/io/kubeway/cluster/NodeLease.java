package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * This node's heartbeat, as the kubelet's node lease: a Lease {@code kubeway-node-<node>} in Kubeway's namespace,
 * renewed every {@code renew}. Every proxy reads all of them ({@link L2Election}): a node whose lease is older than
 * its duration has lost its Kubeway, and its LoadBalancer IPs move to another node. Kubernetes is the membership
 * protocol; no gossip of our own.
 */
public final class NodeLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeLease.class);
    /** Label on every node lease, so they can be told from other Leases in the namespace. */
    public static final String LABEL = io.kubeway.source.kube.KubeSource.NODE_LEASE_LABEL;
    public static final String PREFIX = "kubeway-node-";

    private final KubernetesClient client;
    private final String namespace;
    private final String node;
    private final Duration duration;
    private final Duration renew;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("node-lease").daemon().factory());

    public NodeLease(KubernetesClient client, String namespace, String node, Duration duration, Duration renew, Clock clock) {
        this.client = requireNonNull(client, "client");
        this.namespace = requireNonNull(namespace, "namespace");
        this.node = requireNonNull(node, "node");
        this.duration = requireNonNull(duration, "duration");
        this.renew = requireNonNull(renew, "renew");
        this.clock = requireNonNull(clock, "clock");
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::renewOnce, 0, renew.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void renewOnce() {
        write(clock.instant());
    }

    private void write(java.time.Instant renewed) {
        try {
            ZonedDateTime now = ZonedDateTime.ofInstant(renewed.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
            Lease lease = new LeaseBuilder().withNewMetadata().withNamespace(namespace).withName(PREFIX + node)
                    .addToLabels(LABEL, node).endMetadata()
                    .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds((int) duration.toSeconds())
                    .withRenewTime(now).endSpec().build();
            client.leases().inNamespace(namespace).resource(lease)
                    .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        } catch (KubernetesClientException e) {
            log.warn("cannot renew node lease {}/{}: {}", namespace, PREFIX + node, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("cannot renew node lease {}/{}", namespace, PREFIX + node, e);
        }
    }

    /**
     * Stops renewing and writes the lease as already expired, so the other nodes take this node's IPs over at once
     * (an update, not a delete: the proxy's RBAC has no delete).
     */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        write(clock.instant().minus(duration).minusSeconds(1));
    }
}
