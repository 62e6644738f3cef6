package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.FieldError;
import io.kubeway.core.NamespacedName;
import org.jspecify.annotations.Nullable;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster IPs as the API server hands them out (pkg/registry/core/service: alloc.go and ipallocator),
 * for a single-stack cluster: explicit IPs must be in range and free, an empty request keeps the
 * previous IP (clusterIPs are immutable), and new IPs come from the upper band first.
 */
final class ClusterIpAllocator {
    /** What one Service gets: {@code spec.clusterIPs} as stored, the IP it holds, and the IP family fields. */
    record Plan(List<String> clusterIPs, @Nullable IpAddress ip, @Nullable List<String> ipFamilies,
                @Nullable String ipFamilyPolicy, List<String> warnings) {
    }

    private static final String REQUIRE_DUAL_STACK = "RequireDualStack";
    private static final String SINGLE_STACK = "SingleStack";

    private final ServiceCidr cidr;
    private final OwnerTable<IpAddress> table = new OwnerTable<>();

    ClusterIpAllocator(ServiceCidr cidr) {
        this.cidr = cidr;
    }

    /** Holds a service's previous IP before anything is allocated, so newcomers cannot take it. */
    void preReserve(NamespacedName nn, List<String> previousClusterIPs) {
        IpAddress ip = previousClusterIPs.isEmpty() ? null : IpAddress.tryParse(previousClusterIPs.get(0));
        if (ip != null && cidr.contains(ip)) {
            table.reserve(ip, nn);
        }
    }

    /** Decides without changing anything; {@link #commit} makes it so. */
    Plan plan(NamespacedName nn, Service svc, @Nullable ServiceAllocation previous) throws AllocationRejected {
        if (Services.type(svc).equals(Services.EXTERNAL_NAME)) {
            // ExternalName has no cluster IP; changing to it releases the old one
            return new Plan(List.of(), null, null, null, List.of());
        }
        List<String> requested = Services.requestedClusterIPs(svc);
        List<String> prior = previous == null ? List.of() : previous.clusterIPs();
        boolean headless = !requested.isEmpty() && requested.get(0).equals(Services.NONE);
        boolean selectorless = Services.spec(svc).getSelector() == null || Services.spec(svc).getSelector().isEmpty();
        // headless + selectorless is special-cased before the family checks, as in initIPFamilyFields
        boolean headlessSelectorless = headless && selectorless;
        String policy = Services.spec(svc).getIpFamilyPolicy();
        List<String> families = Services.spec(svc).getIpFamilies();
        boolean keepPrior = requested.isEmpty() && !prior.isEmpty();
        if (keepPrior) {
            // an update that leaves clusterIP empty keeps the stored value (patchAllocatedValues)
            requested = List.of(prior.get(0));
            headless = prior.get(0).equals(Services.NONE);
            headlessSelectorless = headless && selectorless;
        } else if (!requested.isEmpty() && !prior.isEmpty() && !requested.get(0).equals(prior.get(0))) {
            throw AllocationRejected.invalid(
                    FieldError.invalid("spec.clusterIPs[0]", requested, "may not change once set"));
        }
        checkFamilies(families, policy, headlessSelectorless);
        if (policy == null) {
            policy = headlessSelectorless ? REQUIRE_DUAL_STACK : SINGLE_STACK;
        }
        if (families == null || families.isEmpty()) {
            families = headlessSelectorless && !policy.equals(SINGLE_STACK)
                    ? List.of(cidr.family(), cidr.ipv6() ? "IPv4" : "IPv6")
                    : List.of(cidr.family());
        }
        if (headless) {
            return new Plan(List.of(Services.NONE), null, families, policy, List.of());
        }
        List<String> warnings = new ArrayList<>();
        IpAddress ip;
        if (requested.isEmpty()) {
            ip = allocateNext(nn);
        } else if (keepPrior) {
            ip = keepPrevious(nn, requested.get(0), warnings);
        } else {
            ip = allocateExplicit(nn, requested);
        }
        // store the user's spelling of an explicit IP, as the API server does
        String stored = !requested.isEmpty() && ip.equals(IpAddress.tryParse(requested.get(0)))
                ? requested.get(0) : ip.toString();
        return new Plan(List.of(stored), ip, families, policy, warnings);
    }

    void commit(NamespacedName nn, @Nullable IpAddress ip) {
        table.replace(nn, ip == null ? List.of() : List.of(ip));
    }

    void release(NamespacedName nn) {
        table.release(nn);
    }

    private void checkFamilies(@Nullable List<String> families, @Nullable String policy, boolean exempt)
            throws AllocationRejected {
        if (exempt) return;
        List<FieldError> errors = new ArrayList<>();
        if (REQUIRE_DUAL_STACK.equals(policy)) {
            errors.add(FieldError.invalid("spec.ipFamilyPolicy", policy,
                    "this cluster is not configured for dual-stack services"));
        }
        if (families != null) {
            for (int i = 0; i < families.size(); i++) {
                if (!cidr.family().equals(families.get(i))) {
                    errors.add(FieldError.invalid("spec.ipFamilies[" + i + "]", families.get(i),
                            "not configured on this cluster"));
                }
            }
        }
        if (!errors.isEmpty()) throw AllocationRejected.invalid(errors);
    }

    private IpAddress allocateExplicit(NamespacedName nn, List<String> requested) throws AllocationRejected {
        if (requested.size() > 1) {
            IpAddress second = IpAddress.tryParse(requested.get(1));
            String family = second != null && second.ipv6() ? "IPv6" : "IPv4";
            throw AllocationRejected.invalid(FieldError.invalid("spec.clusterIPs[1]", requested,
                    (family.equals(cidr.family()) ? "dual-stack" : family) + " is not configured on this cluster"));
        }
        String text = requested.get(0);
        IpAddress ip = IpAddress.tryParse(text);
        if (ip == null) {
            throw AllocationRejected.invalid(FieldError.invalid("spec.clusterIPs[0]", text,
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        }
        if (ip.ipv6() != cidr.ipv6()) {
            throw AllocationRejected.invalid(FieldError.invalid("spec.clusterIPs[0]", requested,
                    (ip.ipv6() ? "IPv6" : "IPv4") + " is not configured on this cluster"));
        }
        if (!cidr.contains(ip)) {
            throw AllocationRejected.invalid(FieldError.invalid("spec.clusterIPs", requested,
                    "failed to allocate IP " + text + ": the provided IP (" + ip
                            + ") is not in the valid range. The range of valid IPs is " + cidr));
        }
        if (!table.availableTo(ip, nn)) {
            throw AllocationRejected.invalid(FieldError.invalid("spec.clusterIPs", requested,
                    "failed to allocate IP " + text + ": provided IP is already allocated"));
        }
        return ip;
    }

    /**
     * The stored IP stays. Only a corrupt state file or a changed Service CIDR can make it unusable; the
     * API server would then keep serving a broken IP (its repair loop says "please recreate"), we hand out
     * a new one and say so.
     */
    private IpAddress keepPrevious(NamespacedName nn, String text, List<String> warnings) throws AllocationRejected {
        IpAddress ip = IpAddress.tryParse(text);
        String why = ip == null || ip.ipv6() != cidr.ipv6() || !cidr.contains(ip)
                ? "it is not in the Service CIDR " + cidr
                : table.availableTo(ip, nn) ? null : "it is held by " + table.owner(ip);
        if (why == null) return ip;
        IpAddress fresh = allocateNext(nn);
        warnings.add("the previous cluster IP " + text + " can no longer be used (" + why + "); allocated " + fresh);
        return fresh;
    }

    private IpAddress allocateNext(NamespacedName nn) throws AllocationRejected {
        IpRange usable = cidr.usable();
        BigInteger index = Probe.firstFree(usable.size(), cidr.staticBand(), nn.toString(),
                i -> table.availableTo(usable.at(i), nn));
        if (index == null) {
            throw AllocationRejected.internal("failed to allocate a serviceIP: range is full");
        }
        return usable.at(index);
    }
}
