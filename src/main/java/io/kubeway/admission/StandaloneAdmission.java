package io.kubeway.admission;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.allocate.AllocationResult;
import io.kubeway.allocate.AllocationStore;
import io.kubeway.allocate.Allocations;
import io.kubeway.allocate.Allocator;
import io.kubeway.allocate.Candidate;
import io.kubeway.allocate.IpPool;
import io.kubeway.core.FieldError;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ClusterSnapshot.Sourced;
import io.kubeway.translate.endpoints.EndpointSliceValidation;
import io.kubeway.translate.service.ServiceDefaults;
import io.kubeway.translate.service.ServiceSupport;
import io.kubeway.translate.service.ServiceValidation;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * Admission as the API server (and MetalLB) would do it for manifests read from files: defaulting and
 * validation with the API server's messages, cluster IPs, node ports and LoadBalancer IPs allocated by
 * {@link Allocator} and persisted in the state dir, so every address survives a restart.
 *
 * <p>A manifest that turns invalid, or whose allocation is refused, keeps its last accepted version
 * ({@link LastAccepted}), as the API server refuses the update. Incremental by identity: a Service whose
 * manifest and last accepted version are the same instances as last time is not validated again, and the
 * allocation is reused while its inputs are the same instances (it is deterministic).
 */
public final class StandaloneAdmission implements Admission {
    static final String METALLB_API = "metallb.io/v1beta1";

    private final Allocator allocator;
    private final AllocationStore store;
    private final LastAccepted<Service> accepted = new LastAccepted<>();
    private @Nullable Allocations allocations;
    private Map<NamespacedName, Checked> checked = Map.of();
    private AllocationMemo allocationMemo = AllocationMemo.NONE;

    public StandaloneAdmission(Allocator allocator, AllocationStore store) {
        this.allocator = requireNonNull(allocator, "allocator");
        this.store = requireNonNull(store, "store");
    }

    @Override
    public Admitted admit(ClusterSnapshot snap) {
        if (allocations == null) {
            allocations = store.load();
        }
        List<Problem> problems = new ArrayList<>();
        Map<NamespacedName, String> sources = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        Map<NamespacedName, Checked> nowChecked = new HashMap<>();
        for (Sourced<Service> s : snap.ofType(Service.class)) {
            NamespacedName nn = NamespacedName.of(s.object());
            sources.put(nn, s.source());
            Service last = accepted.last(nn);
            Checked c = checked.get(nn);
            if (c == null || !c.sameInput(s, last)) {
                c = check(s, last);
            }
            nowChecked.put(nn, c);
            problems.addAll(c.problems());
            if (c.candidate() != null) {
                candidates.add(c.candidate());
            }
        }
        checked = nowChecked;
        List<IpPool> pools = pools(snap, problems);
        AllocationResult alloc = allocationMemo.sameInput(candidates, pools, allocations) ? allocationMemo.result()
                : allocator.allocate(candidates, pools, allocations);
        allocationMemo = new AllocationMemo(candidates, pools, alloc);
        problems.addAll(alloc.problems());
        allocations = alloc.next();
        store.save(allocations);
        List<Service> admitted = new ArrayList<>(alloc.accepted().size());
        for (Service svc : alloc.accepted()) {
            admitted.add(accepted.accept(NamespacedName.of(svc), svc));
        }
        accepted.endPass();
        return new Admitted(admitted, sources, slices(snap, problems), problems);
    }

    /** MetalLB IPAddressPools declared in the manifests (the default pool applies when there are none). */
    private static List<IpPool> pools(ClusterSnapshot snap, List<Problem> problems) {
        List<IpPool> pools = new ArrayList<>();
        for (Sourced<GenericKubernetesResource> r : snap.ofType(GenericKubernetesResource.class)) {
            if (METALLB_API.equals(r.object().getApiVersion()) && "IPAddressPool".equals(r.object().getKind())) {
                var parsed = IpPool.fromResource(r.object(), r.source());
                problems.addAll(parsed.problems());
                if (parsed.pool() != null) {
                    pools.add(parsed.pool());
                }
            }
        }
        return pools;
    }

    /** The user's EndpointSlices that pass the API server's validation (loopback addresses allowed here). */
    private static List<EndpointSlice> slices(ClusterSnapshot snap, List<Problem> problems) {
        List<EndpointSlice> out = new ArrayList<>();
        for (Sourced<EndpointSlice> s : snap.ofType(EndpointSlice.class)) {
            List<FieldError> errors = EndpointSliceValidation.validate(s.object(), true); // loopback backends are normal standalone
            if (errors.isEmpty()) {
                out.add(s.object());
            } else {
                problems.add(Problem.invalid(ObjectRef.of(s.object()), s.source(), errors));
            }
        }
        return out;
    }

    /**
     * Defaulting and validation of one manifest: the candidate for allocation is the defaulted manifest when
     * valid, else the last accepted version. As with {@code kubectl apply}, fields the user leaves out keep
     * their live values (clusterIP, healthCheckNodePort).
     */
    private static Checked check(Sourced<Service> s, @Nullable Service last) {
        Service desired = ServiceDefaults.apply(s.object());
        List<FieldError> errors;
        if (last == null) {
            errors = ServiceValidation.validate(desired);
        } else {
            desired = keepLiveFields(desired, last);
            errors = ServiceValidation.validateUpdate(desired, last);
        }
        if (!errors.isEmpty()) {
            return new Checked(s.object(), s.source(), last,
                    last == null ? null : new Candidate(last, last, s.source()),
                    List.of(Problem.invalid(ObjectRef.of(s.object()), s.source(), errors)));
        }
        return new Checked(s.object(), s.source(), last, new Candidate(desired, last, s.source()),
                ServiceSupport.unsupported(desired, s.source()));
    }

    /** The outcome of {@link #check}, kept while its inputs are the same instances. */
    private record Checked(Service manifest, String source, @Nullable Service last, @Nullable Candidate candidate,
                           List<Problem> problems) {
        boolean sameInput(Sourced<Service> s, @Nullable Service lastAccepted) {
            return manifest == s.object() && last == lastAccepted && Objects.equals(source, s.source());
        }
    }

    /** The last allocation, reused while its inputs are the same instances (allocation is deterministic). */
    private record AllocationMemo(List<Candidate> candidates, List<IpPool> pools, @Nullable AllocationResult result) {
        static final AllocationMemo NONE = new AllocationMemo(List.of(), List.of(), null);

        boolean sameInput(List<Candidate> now, List<IpPool> nowPools, Allocations previous) {
            if (result == null || previous != result.next() || !pools.equals(nowPools) || now.size() != candidates.size()) {
                return false;
            }
            for (int i = 0; i < now.size(); i++) {
                Candidate a = now.get(i);
                Candidate b = candidates.get(i);
                if (a.desired() != b.desired() || a.lastAccepted() != b.lastAccepted()
                        || !Objects.equals(a.source(), b.source())) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Service keepLiveFields(Service desired, Service last) {
        var spec = desired.getSpec();
        if ("ExternalName".equals(spec.getType())) {
            return desired;
        }
        boolean unsetIp = spec.getClusterIP() == null || spec.getClusterIP().isEmpty();
        boolean unsetHc = spec.getHealthCheckNodePort() == null && "Local".equals(spec.getExternalTrafficPolicy())
                && "LoadBalancer".equals(spec.getType());
        if (!unsetIp && !unsetHc) {
            return desired;
        }
        ServiceBuilder b = new ServiceBuilder(desired);
        if (unsetIp && last.getSpec().getClusterIP() != null) {
            b.editSpec().withClusterIP(last.getSpec().getClusterIP()).withClusterIPs(last.getSpec().getClusterIPs())
                    .endSpec();
        }
        if (unsetHc && last.getSpec().getHealthCheckNodePort() != null) {
            b.editSpec().withHealthCheckNodePort(last.getSpec().getHealthCheckNodePort()).endSpec();
        }
        return b.build();
    }
}
