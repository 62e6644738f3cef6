package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.allocate.IpAddress;
import io.kubeway.allocate.IpPool;
import io.kubeway.allocate.IpRange;
import io.kubeway.allocate.LoadBalancerIps;
import io.kubeway.core.ListChanges;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * The elected load-balancer controller's pass (MetalLB's controller): LoadBalancer IPs from the IPAddressPools
 * in Kubeway's namespace for Services of type LoadBalancer with no class or ours, written to
 * {@code status.loadBalancer.ingress}. The Services' status is the only memory: a restarted or newly elected
 * controller reads what every Service holds and keeps it, so IPs never reshuffle. An IP is released (status
 * emptied) when its Service stops being a LoadBalancer of ours. Only differences are written, and a write is
 * not repeated while the watch has not yet delivered it back (no flapping).
 */
public final class LoadBalancerController {
    static final String VIP = "VIP";
    private static final Duration REWRITE_AFTER = Duration.ofSeconds(10);

    private final LoadBalancerIps ips;
    private final StatusWriter writer;
    private final Clock clock;
    private final Map<NamespacedName, Written> written = new HashMap<>();
    /** The Services that are LoadBalancers of ours or hold status IPs, in snapshot (namespace, name) order. */
    private final java.util.TreeMap<NamespacedName, Service> relevant = new java.util.TreeMap<>();
    private List<Service> lastServices;
    private List<GenericKubernetesResource> lastResources = List.of();
    private List<Problem> allocationProblems = List.of();
    /** Status to write per Service, decided and not yet written; written through {@link #queue}. */
    private final Map<NamespacedName, List<String>> pending = new HashMap<>();
    private final Map<NamespacedName, Problem> errors = new java.util.TreeMap<>();
    private final WorkQueue<NamespacedName> queue;
    /** Whether the queue refused a key (full): the next pass decides again rather than being skipped. */
    private boolean overflow;

    private record Written(List<String> ips, Instant at) {
    }

    public LoadBalancerController(LoadBalancerIps ips, StatusWriter writer, Clock clock) {
        this(ips, writer, clock, new WorkQueue<>(System::nanoTime, WorkQueue.DEFAULT_MAX_KEYS));
    }

    LoadBalancerController(LoadBalancerIps ips, StatusWriter writer, Clock clock, WorkQueue<NamespacedName> queue) {
        this.queue = requireNonNull(queue, "queue");
        this.ips = requireNonNull(ips, "ips");
        this.writer = requireNonNull(writer, "writer");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Forgets what earlier passes knew: the next pass reads every Service again (after this instance (re)gains the
     * lease, when another leader may have written meanwhile).
     */
    public void invalidate() {
        lastServices = null;
    }

    /**
     * One pass over the latest snapshot; returns what users must see (allocation failures, write errors). Only the
     * Services that are LoadBalancers of ours or hold an address in their status take part ({@link #relevant}, kept
     * from the snapshots' changes); with none of those and no pool changed, nothing is written or waiting to be
     * confirmed, the pass is skipped and the last pass's problems stand. Otherwise all of them are allocated
     * together, so an IP freed by one Service goes to another that was waiting for one.
     */
    public List<Problem> sync(ClusterSnapshot snap) {
        List<Service> all = snap.objectsOf(Service.class);
        boolean changed = lastServices == null;
        if (lastServices == null) {
            relevant.clear();
            changed |= track(new ListChanges<>(List.of(), all));
        } else {
            changed |= track(ListChanges.between(lastServices, all));
        }
        lastServices = all;
        List<GenericKubernetesResource> resources = snap.objectsOf(GenericKubernetesResource.class);
        if (resources != lastResources && !ListChanges.between(lastResources, resources).isEmpty()) {
            changed = true;
        }
        lastResources = resources;
        if (!changed && written.isEmpty() && !overflow) {
            drain();
            return problems();
        }
        List<Problem> problems = new ArrayList<>();
        List<IpPool> pools = pools(resources, problems);
        List<Service> services = List.copyOf(relevant.values());
        Map<NamespacedName, List<String>> current = new HashMap<>();
        services.forEach(s -> current.put(NamespacedName.of(s), statusIps(s)));
        Map<NamespacedName, LoadBalancerIps.Outcome> outcomes = ips.assign(services, pools,
                nn -> current.getOrDefault(nn, List.of()));
        Instant now = clock.instant();
        overflow = false;
        for (Service svc : services) {
            NamespacedName nn = NamespacedName.of(svc);
            List<String> held = current.get(nn);
            List<String> want;
            LoadBalancerIps.Outcome outcome = outcomes.get(nn);
            if (outcome != null) {
                want = outcome.ips();
                if (outcome.failure() != null) {
                    problems.add(Problem.warning(ObjectRef.of("Service", nn), null, "AllocationFailed",
                            "Failed to allocate IP for \"" + nn + "\": " + outcome.failure()));
                }
            } else if (!held.isEmpty() && !ips.wants(svc) && inPools(held, pools)) {
                want = List.of(); // no longer ours: release
            } else {
                continue;
            }
            if (want.equals(held)) {
                written.remove(nn);
                pending.remove(nn);
                errors.remove(nn);
                continue;
            }
            Written w = written.get(nn);
            if (w != null && w.ips().equals(want) && Duration.between(w.at(), now).compareTo(REWRITE_AFTER) < 0) {
                continue; // written; the watch has not brought it back yet
            }
            if (!want.equals(pending.put(nn, want)) || queue.failures(nn) == 0) {
                overflow |= !queue.add(nn); // a new decision goes now; a failed one keeps its backoff
            }
        }
        written.keySet().retainAll(current.keySet());
        pending.keySet().retainAll(current.keySet());
        errors.keySet().retainAll(pending.keySet());
        allocationProblems = List.copyOf(problems);
        drain();
        return problems();
    }

    /**
     * Writes the decided statuses that are due, through the {@link WorkQueue}: a write that fails comes back after
     * its own backoff (and the queue's overall rate), not on every pass, and the others are not held up.
     */
    private void drain() {
        NamespacedName nn;
        while ((nn = queue.poll()) != null) {
            List<String> want = pending.get(nn);
            try {
                if (want == null) continue;
                writer.serviceLoadBalancer(nn, want.stream().map(LoadBalancerController::vip).toList());
                written.put(nn, new Written(want, clock.instant()));
                pending.remove(nn);
                errors.remove(nn);
                queue.forget(nn);
            } catch (RuntimeException e) {
                errors.put(nn, Problem.warning(ObjectRef.of("Service", nn), null, "StatusUpdateFailed",
                        "cannot write status.loadBalancer of " + nn + ": " + e.getMessage()));
                queue.addRateLimited(nn);
            } finally {
                queue.done(nn);
            }
        }
    }

    /** Nanoseconds until a failed write is due again, or -1 when none waits. */
    public long nextRetry() {
        return queue.nextDue();
    }

    private List<Problem> problems() {
        if (errors.isEmpty()) return allocationProblems;
        List<Problem> out = new ArrayList<>(allocationProblems);
        out.addAll(errors.values());
        return out;
    }

    /** Keeps {@link #relevant} up to date; returns whether a relevant Service changed, came or went. */
    private boolean track(ListChanges<Service> changes) {
        boolean changed = false;
        for (Service s : changes.removed()) {
            NamespacedName nn = NamespacedName.of(s);
            if (relevant.get(nn) == s) {
                relevant.remove(nn);
                changed = true;
            }
        }
        for (Service s : changes.added()) {
            NamespacedName nn = NamespacedName.of(s);
            if (ips.wants(s) || !statusIps(s).isEmpty()) {
                relevant.put(nn, s);
                changed = true;
            } else if (relevant.remove(nn) != null) {
                changed = true;
            }
        }
        return changed;
    }

    private static List<IpPool> pools(List<GenericKubernetesResource> resources, List<Problem> problems) {
        List<IpPool> pools = new ArrayList<>();
        for (GenericKubernetesResource r : resources) {
            if ("IPAddressPool".equals(r.getKind()) && "metallb.io/v1beta1".equals(r.getApiVersion())) {
                var parsed = IpPool.fromResource(r, null);
                problems.addAll(parsed.problems());
                if (parsed.pool() != null) pools.add(parsed.pool());
            }
        }
        return pools;
    }

    static List<String> statusIps(Service svc) {
        if (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                || svc.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return svc.getStatus().getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp)
                .filter(Objects::nonNull).toList();
    }

    private static boolean inPools(List<String> held, List<IpPool> pools) {
        for (String ip : held) {
            IpAddress a = IpAddress.tryParse(ip);
            for (IpPool p : pools) {
                for (IpRange r : p.ranges()) {
                    if (a != null && r.contains(a)) return true;
                }
            }
        }
        return false;
    }

    private static LoadBalancerIngress vip(String ip) {
        return new LoadBalancerIngressBuilder().withIp(ip).withIpMode(VIP).build();
    }
}
