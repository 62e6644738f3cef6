package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.*;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.kubeway.core.FieldError;

/**
 * Service validation with the API server's rules, field paths and messages (Kubernetes 1.35), so a
 * manifest Kubeway rejects is one {@code kubectl apply} rejects, with the same words.
 *
 * <p>Expects a Service that went through {@link ServiceDefaults#apply}, as the API server always
 * defaults before validating. The API server checks in two steps, and so does this class: first the
 * allocator's pre-checks of clusterIP(s), ipFamilies and ipFamilyPolicy, and if those fail only their
 * errors are reported; then {@code ValidateService}. Checks that need the cluster's configuration
 * (address ranges, free ports, configured IP families) belong to Kubeway's allocator, not here.
 *
 * <p>Errors come in upstream's order, without repeats (the API server drops repeated messages too).
 * Render them with {@link io.kubeway.core.Problem#invalid}.
 */
public final class ServiceValidation {
    private ServiceValidation() {
    }

    /**
     * Create validation ({@code ValidateService}). Field paths as Kubernetes prints them:
     * {@code metadata.name}, {@code spec.ports[1].name},
     * {@code spec.sessionAffinityConfig.clientIP.timeoutSeconds}...
     */
    public static List<FieldError> validate(Service svc) {
        requireNonNull(svc, "svc");
        List<FieldError> pre = preAllocation(spec(svc));
        if (!pre.isEmpty()) {
            return distinct(pre);
        }
        List<FieldError> errs = new ArrayList<>();
        SpecRules.validate(svc, errs);
        return distinct(errs);
    }

    /**
     * Update validation ({@code ValidateServiceUpdate}) against the last accepted, allocated version:
     * clusterIP(s) and the primary IP family are immutable (except to or from ExternalName),
     * loadBalancerClass is immutable while the Service stays a LoadBalancer, healthCheckNodePort is
     * immutable while it is needed, and name and namespace never change. Includes the errors of
     * {@link #validate} for the new version.
     *
     * <p>As the registry does, values allocated to {@code oldSvc} that {@code newSvc} leaves unset
     * (clusterIPs, nodePorts by port name, healthCheckNodePort) count as kept, so re-applying the same
     * manifest is valid. Neither argument is modified.
     */
    public static List<FieldError> validateUpdate(Service newSvc, Service oldSvc) {
        requireNonNull(newSvc, "newSvc");
        requireNonNull(oldSvc, "oldSvc");
        Service svc = new ServiceBuilder(newSvc).build();
        if (svc.getSpec() == null) {
            svc.setSpec(new ServiceSpec());
        }
        ServiceSpec spec = svc.getSpec();
        ServiceSpec old = new ServiceBuilder(oldSvc).build().getSpec();
        if (old == null) {
            old = new ServiceSpec();
        }
        ServiceDefaults.normalizeClusterIPsOnCreate(old);

        UpdatePreparation.patchAllocatedValues(spec, old);
        UpdatePreparation.normalizeClusterIPs(spec, old);
        if (needsClusterIP(spec)) {
            List<FieldError> pre = new ArrayList<>();
            ClusterIpRules.related(spec, pre);
            if (pre.isEmpty()) {
                UpdatePreparation.ipFamilyFields(spec, old, pre);
                ClusterIpRules.policyMatchesFields(spec, pre);
            }
            if (!pre.isEmpty()) {
                return distinct(pre);
            }
        }
        UpdatePreparation.dropTypeDependentFields(spec, old);

        List<FieldError> errs = new ArrayList<>();
        MetadataRules.validateUpdate(meta(svc), meta(oldSvc), errs);
        ClusterIpRules.upgradeDowngradeClusterIPs(old, spec, errs);
        ClusterIpRules.upgradeDowngradeIpFamilies(old, spec, errs);
        if (isType(old, LOAD_BALANCER) && isType(spec, LOAD_BALANCER)
                && !Objects.equals(old.getLoadBalancerClass(), spec.getLoadBalancerClass())) {
            errs.add(FieldError.invalid("spec.loadBalancerClass", spec.getLoadBalancerClass(),
                    "may not change once set"));
        }
        SpecRules.loadBalancerClass(spec, errs);
        if (needsHealthCheck(old) && needsHealthCheck(spec)
                && num(old.getHealthCheckNodePort()) != num(spec.getHealthCheckNodePort())) {
            errs.add(FieldError.forbidden("spec.healthCheckNodePort", "field is immutable"));
        }
        SpecRules.validate(svc, errs);
        return distinct(errs);
    }

    /**
     * The checks the API server's allocator makes before anything else ({@code initIPFamilyFields}):
     * when they fail, the request fails with only these errors.
     */
    private static List<FieldError> preAllocation(ServiceSpec spec) {
        List<FieldError> pre = new ArrayList<>();
        if (needsClusterIP(spec)) {
            ClusterIpRules.related(spec, pre);
            if (pre.isEmpty()) {
                ClusterIpRules.policyMatchesFields(spec, pre);
            }
        }
        return pre;
    }

    /** {@code ErrorList.ToAggregate} drops errors whose message was already reported. */
    private static List<FieldError> distinct(List<FieldError> errs) {
        Map<String, FieldError> byMessage = new LinkedHashMap<>();
        for (FieldError e : errs) {
            byMessage.putIfAbsent(e.message(), e);
        }
        return List.copyOf(byMessage.values());
    }
}
