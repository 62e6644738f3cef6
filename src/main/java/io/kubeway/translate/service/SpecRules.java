package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.*;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.kubeway.core.FieldError;
import io.kubeway.core.KubeNames;

/**
 * {@code ValidateService} (pkg/apis/core/validation/validation.go, Kubernetes 1.35), rule by rule and in
 * upstream's order, because the order is visible in the joined error message.
 */
final class SpecRules {
    static final String TOPOLOGY_MODE = "service.kubernetes.io/topology-mode";
    static final String TOPOLOGY_AWARE_HINTS = "service.kubernetes.io/topology-aware-hints";
    static final String SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";
    /** {@code core.MaxClientIPServiceAffinitySeconds}. */
    static final int MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;
    static final List<String> TYPES = List.of(CLUSTER_IP, EXTERNAL_NAME, LOAD_BALANCER, NODE_PORT);
    static final List<String> AFFINITIES = List.of("ClientIP", "None");
    static final List<String> TRAFFIC_POLICIES = List.of(POLICY_CLUSTER, POLICY_LOCAL);
    /** PreferSameTrafficDistribution is GA in 1.35, so all three values are accepted. */
    static final List<String> TRAFFIC_DISTRIBUTIONS = List.of("PreferClose", "PreferSameZone", "PreferSameNode");
    private static final String LB_ONLY = "may only be used when `type` is 'LoadBalancer'";

    private SpecRules() {
    }

    static void validate(Service svc, List<FieldError> errs) {
        MetadataRules.validate(meta(svc), errs);
        ServiceSpec spec = spec(svc);
        Map<String, String> annotations = map(meta(svc).getAnnotations());

        String mode = annotations.get(TOPOLOGY_MODE);
        String hints = annotations.get(TOPOLOGY_AWARE_HINTS);
        if (annotations.containsKey(TOPOLOGY_MODE) && annotations.containsKey(TOPOLOGY_AWARE_HINTS)
                && !str(mode).equals(str(hints))) {
            errs.add(FieldError.invalid("metadata.annotations[" + TOPOLOGY_MODE + "]", str(mode),
                    "must match annotations[" + TOPOLOGY_AWARE_HINTS + "] when both are specified"));
        }

        if (ports(spec).isEmpty() && !isHeadless(spec) && !isType(spec, EXTERNAL_NAME)) {
            errs.add(FieldError.required("spec.ports", ""));
        }
        typeSpecific(spec, errs);
        PortRules.eachPort(spec, errs);
        if (spec.getSelector() != null) {
            MetadataRules.labels(spec.getSelector(), "spec.selector", errs);
        }
        sessionAffinity(spec, errs);
        ClusterIpRules.related(spec, errs);
        externalIps(spec, errs);

        if (type(spec).isEmpty()) {
            errs.add(FieldError.required("spec.type", ""));
        } else if (!TYPES.contains(type(spec))) {
            errs.add(FieldError.notSupported("spec.type", type(spec), TYPES));
        }
        PortRules.nodePortsAndDuplicates(spec, errs);
        sourceRanges(spec, annotations, errs);

        if (spec.getAllocateLoadBalancerNodePorts() != null && !isType(spec, LOAD_BALANCER)) {
            errs.add(FieldError.forbidden("spec.allocateLoadBalancerNodePorts", LB_ONLY));
        }
        if (isType(spec, LOAD_BALANCER) && spec.getAllocateLoadBalancerNodePorts() == null) {
            // Upstream builds this path without "spec.", and that is what users see.
            errs.add(FieldError.required("allocateLoadBalancerNodePorts", ""));
        }
        loadBalancerClass(spec, errs);
        externalTrafficPolicy(spec, errs);
        internalTrafficPolicy(spec, errs);
        if (spec.getTrafficDistribution() != null && !TRAFFIC_DISTRIBUTIONS.contains(spec.getTrafficDistribution())) {
            errs.add(FieldError.notSupported("spec.trafficDistribution", spec.getTrafficDistribution(),
                    TRAFFIC_DISTRIBUTIONS));
        }
    }

    /** Headless is not allowed for NodePort and LoadBalancer; ExternalName carries no cluster IP fields. */
    private static void typeSpecific(ServiceSpec spec, List<FieldError> errs) {
        switch (type(spec)) {
            case LOAD_BALANCER, NODE_PORT -> {
                if (isHeadless(spec)) {
                    errs.add(FieldError.invalid("spec.clusterIPs[0]", clusterIPs(spec).get(0),
                            "may not be set to 'None' for " + type(spec) + " services"));
                }
            }
            case EXTERNAL_NAME -> {
                String notForExternalName = "may not be set for ExternalName services";
                if (!clusterIPs(spec).isEmpty()) {
                    errs.add(FieldError.forbidden("spec.clusterIPs", notForExternalName));
                }
                if (!ipFamilies(spec).isEmpty()) {
                    errs.add(FieldError.forbidden("spec.ipFamilies", notForExternalName));
                }
                if (spec.getIpFamilyPolicy() != null) {
                    errs.add(FieldError.forbidden("spec.ipFamilyPolicy", notForExternalName));
                }
                // The CNAME may end with a dot to mark it fully qualified.
                String name = str(spec.getExternalName());
                String cname = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
                if (cname.isEmpty()) {
                    errs.add(FieldError.required("spec.externalName", ""));
                } else {
                    for (String msg : KubeNames.dns1123Subdomain(cname)) {
                        errs.add(FieldError.invalid("spec.externalName", cname, msg));
                    }
                }
            }
            default -> {
            }
        }
    }

    private static void sessionAffinity(ServiceSpec spec, List<FieldError> errs) {
        String affinity = str(spec.getSessionAffinity());
        if (affinity.isEmpty()) {
            errs.add(FieldError.required("spec.sessionAffinity", ""));
        } else if (!AFFINITIES.contains(affinity)) {
            errs.add(FieldError.notSupported("spec.sessionAffinity", affinity, AFFINITIES));
        }
        SessionAffinityConfig cfg = spec.getSessionAffinityConfig();
        String field = "spec.sessionAffinityConfig";
        if ("ClientIP".equals(affinity)) {
            String detail = "when session affinity type is ClientIP";
            if (cfg == null) {
                errs.add(FieldError.required(field, detail));
            } else if (cfg.getClientIP() == null) {
                errs.add(FieldError.required(field + ".clientIP", detail));
            } else if (cfg.getClientIP().getTimeoutSeconds() == null) {
                errs.add(FieldError.required(field + ".clientIP.timeoutSeconds", detail));
            } else {
                int timeout = cfg.getClientIP().getTimeoutSeconds();
                if (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT_SECONDS) {
                    errs.add(FieldError.invalid(field + ".clientIP.timeoutSeconds", timeout,
                            "must be greater than 0 and less than " + MAX_CLIENT_IP_TIMEOUT_SECONDS));
                }
            }
        } else if ("None".equals(affinity) && cfg != null) {
            errs.add(FieldError.forbidden(field, "must not be set when session affinity is None"));
        }
    }

    /** Each externalIP must be an IP, and not a special one (see {@link IpAddresses#validateNonSpecialIp}). */
    private static void externalIps(ServiceSpec spec, List<FieldError> errs) {
        List<String> ips = list(spec.getExternalIPs());
        for (int i = 0; i < ips.size(); i++) {
            String field = "spec.externalIPs[" + i + "]";
            String ip = str(ips.get(i));
            List<FieldError> ipErrs = IpAddresses.validateIp(field, ip);
            errs.addAll(ipErrs.isEmpty() ? IpAddresses.validateNonSpecialIp(field, ip) : ipErrs);
        }
    }

    /** The field, or else the legacy annotation: LoadBalancer only, CIDRs, surrounding spaces allowed. */
    private static void sourceRanges(ServiceSpec spec, Map<String, String> annotations, List<FieldError> errs) {
        List<String> ranges = list(spec.getLoadBalancerSourceRanges());
        if (!ranges.isEmpty()) {
            // Upstream spells this path with a capital L.
            String field = "spec.LoadBalancerSourceRanges";
            if (!isType(spec, LOAD_BALANCER)) {
                errs.add(FieldError.forbidden(field, LB_ONLY));
            }
            for (int i = 0; i < ranges.size(); i++) {
                errs.addAll(IpAddresses.validateCidr(field + "[" + i + "]", str(ranges.get(i)).strip()));
            }
        } else if (annotations.containsKey(SOURCE_RANGES_ANNOTATION)) {
            String field = "metadata.annotations[" + SOURCE_RANGES_ANNOTATION + "]";
            if (!isType(spec, LOAD_BALANCER)) {
                errs.add(FieldError.forbidden(field, LB_ONLY));
            }
            String value = str(annotations.get(SOURCE_RANGES_ANNOTATION)).strip();
            if (!value.isEmpty()) {
                for (String cidr : value.split(",", -1)) {
                    errs.addAll(IpAddresses.validateCidr(field, cidr.strip()));
                }
            }
        }
    }

    static void loadBalancerClass(ServiceSpec spec, List<FieldError> errs) {
        String lbClass = spec.getLoadBalancerClass();
        if (lbClass == null) {
            return;
        }
        if (isType(spec, LOAD_BALANCER)) {
            for (String msg : KubeNames.labelKey(lbClass)) {
                errs.add(FieldError.invalid("spec.loadBalancerClass", lbClass, msg));
            }
        } else {
            errs.add(FieldError.forbidden("spec.loadBalancerClass", LB_ONLY));
        }
    }

    /**
     * {@code validateServiceExternalTrafficPolicy}. One deliberate difference: upstream requires
     * healthCheckNodePort for LoadBalancer + Local because its allocator has filled it in before
     * validation runs. Kubeway validates before allocating, so 0 here means "to be allocated".
     */
    private static void externalTrafficPolicy(ServiceSpec spec, List<FieldError> errs) {
        String policy = str(spec.getExternalTrafficPolicy());
        if (!externallyAccessible(spec)) {
            if (!policy.isEmpty()) {
                errs.add(FieldError.invalid("spec.externalTrafficPolicy", policy,
                        "may only be set for externally-accessible services"));
            }
        } else if (policy.isEmpty()) {
            errs.add(FieldError.required("spec.externalTrafficPolicy", ""));
        } else if (!TRAFFIC_POLICIES.contains(policy)) {
            errs.add(FieldError.notSupported("spec.externalTrafficPolicy", policy, TRAFFIC_POLICIES));
        }
        int hcnp = num(spec.getHealthCheckNodePort());
        if (!needsHealthCheck(spec)) {
            if (hcnp != 0) {
                errs.add(FieldError.invalid("spec.healthCheckNodePort", hcnp,
                        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
            }
        } else if (hcnp != 0) {
            for (String msg : KubeNames.portNum(hcnp)) {
                errs.add(FieldError.invalid("spec.healthCheckNodePort", hcnp, msg));
            }
        }
    }

    private static void internalTrafficPolicy(ServiceSpec spec, List<FieldError> errs) {
        String policy = spec.getInternalTrafficPolicy();
        // Not forbidden for ExternalName: upstream never checked it and keeps accepting it.
        if (policy == null) {
            if (isType(spec, NODE_PORT) || isType(spec, LOAD_BALANCER) || isType(spec, CLUSTER_IP)) {
                errs.add(FieldError.required("spec.internalTrafficPolicy", ""));
            }
        } else if (!TRAFFIC_POLICIES.contains(policy)) {
            errs.add(FieldError.notSupported("spec.internalTrafficPolicy", policy, TRAFFIC_POLICIES));
        }
    }
}
