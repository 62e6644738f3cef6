package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.*;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;

/**
 * The defaults the API server gives a Service before validating it on create.
 *
 * <p>In order, as the API server applies them:
 * <ol>
 *   <li>{@code SetDefaults_Service} (pkg/apis/core/v1/defaults.go): sessionAffinity None (which drops
 *       sessionAffinityConfig) and the ClientIP timeout 10800; type ClusterIP; port protocol TCP;
 *       targetPort = port when unset or zero; externalTrafficPolicy Cluster for externally reachable
 *       Services; internalTrafficPolicy Cluster for ClusterIP, NodePort and LoadBalancer;
 *       allocateLoadBalancerNodePorts true and status ingress ipMode VIP for LoadBalancer.</li>
 *   <li>The request's namespace, "default" when the manifest names none.</li>
 *   <li>{@code normalizeClusterIPs} (registry beginCreate): clusterIPs = [clusterIP] when only the
 *       singular field is given.</li>
 *   <li>The ipFamilyPolicy default of {@code initIPFamilyFields} (allocation): RequireDualStack for a
 *       headless Service without selector, else SingleStack; none for ExternalName.</li>
 * </ol>
 * ipFamilies is left to the allocator, which knows the cluster's IP families (as Kubernetes does).
 */
public final class ServiceDefaults {
    /** {@code v1.DefaultClientIPServiceAffinitySeconds}. */
    public static final int DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
    static final String DEFAULT_NAMESPACE = "default";

    private ServiceDefaults() {
    }

    /** A defaulted deep copy ({@code new ServiceBuilder(svc).build()}); never mutates the input. */
    public static Service apply(Service svc) {
        requireNonNull(svc, "svc");
        Service out = new ServiceBuilder(svc).build();
        if (out.getMetadata() == null) {
            out.setMetadata(new ObjectMeta());
        }
        if (str(out.getMetadata().getNamespace()).isEmpty()) {
            out.getMetadata().setNamespace(DEFAULT_NAMESPACE);
        }
        if (out.getSpec() == null) {
            out.setSpec(new ServiceSpec());
        }
        ServiceSpec spec = out.getSpec();
        if (spec.getPorts() != null) {
            spec.setPorts(new ArrayList<>(ports(spec)));
        }
        setDefaults(out, spec);
        normalizeClusterIPsOnCreate(spec);
        defaultIpFamilyPolicy(spec);
        return out;
    }

    /** {@code SetDefaults_Service}. */
    private static void setDefaults(Service svc, ServiceSpec spec) {
        if (str(spec.getSessionAffinity()).isEmpty()) {
            spec.setSessionAffinity("None");
        }
        if ("None".equals(spec.getSessionAffinity())) {
            spec.setSessionAffinityConfig(null);
        }
        if ("ClientIP".equals(spec.getSessionAffinity())) {
            SessionAffinityConfig cfg = spec.getSessionAffinityConfig();
            if (cfg == null || cfg.getClientIP() == null || cfg.getClientIP().getTimeoutSeconds() == null) {
                // Upstream replaces the whole config, not only the missing timeout.
                spec.setSessionAffinityConfig(
                        new SessionAffinityConfig(new ClientIPConfig(DEFAULT_CLIENT_IP_TIMEOUT_SECONDS)));
            }
        }
        if (str(spec.getType()).isEmpty()) {
            spec.setType(CLUSTER_IP);
        }
        for (ServicePort port : ports(spec)) {
            if (str(port.getProtocol()).isEmpty()) {
                port.setProtocol("TCP");
            }
            if (isUnsetTargetPort(port.getTargetPort())) {
                port.setTargetPort(new IntOrString(num(port.getPort())));
            }
        }
        if (externallyAccessible(spec) && str(spec.getExternalTrafficPolicy()).isEmpty()) {
            spec.setExternalTrafficPolicy(POLICY_CLUSTER);
        }
        if (spec.getInternalTrafficPolicy() == null
                && (isType(spec, NODE_PORT) || isType(spec, LOAD_BALANCER) || isType(spec, CLUSTER_IP))) {
            spec.setInternalTrafficPolicy(POLICY_CLUSTER);
        }
        if (isType(spec, LOAD_BALANCER)) {
            if (spec.getAllocateLoadBalancerNodePorts() == null) {
                spec.setAllocateLoadBalancerNodePorts(true);
            }
            if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null) {
                for (LoadBalancerIngress ing : list(svc.getStatus().getLoadBalancer().getIngress())) {
                    if (!str(ing.getIp()).isEmpty() && ing.getIpMode() == null) {
                        ing.setIpMode("VIP");
                    }
                }
            }
        }
    }

    /** Go compares with {@code intstr.FromInt32(0)} and {@code intstr.FromString("")}. */
    private static boolean isUnsetTargetPort(IntOrString target) {
        if (target == null) {
            return true;
        }
        if (target.getStrVal() != null) {
            return target.getStrVal().isEmpty();
        }
        return target.getIntVal() == null || target.getIntVal() == 0;
    }

    /** {@code normalizeClusterIPs} for a create: an old client set only the singular field. */
    static void normalizeClusterIPsOnCreate(ServiceSpec spec) {
        if (!str(spec.getClusterIP()).isEmpty() && clusterIPs(spec).isEmpty()) {
            spec.setClusterIPs(new ArrayList<>(List.of(spec.getClusterIP())));
        }
    }

    /** The create branch of {@code initIPFamilyFields}' policy default. */
    private static void defaultIpFamilyPolicy(ServiceSpec spec) {
        if (!needsClusterIP(spec) || spec.getIpFamilyPolicy() != null) {
            return;
        }
        boolean headlessSelectorless = HEADLESS.equals(spec.getClusterIP()) && map(spec.getSelector()).isEmpty();
        spec.setIpFamilyPolicy(headlessSelectorless ? REQUIRE_DUAL_STACK : SINGLE_STACK);
    }
}
