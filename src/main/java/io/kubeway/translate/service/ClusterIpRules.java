package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.kubeway.core.FieldError;

/**
 * The clusterIP / clusterIPs / ipFamilies / ipFamilyPolicy rules: {@code
 * ValidateServiceClusterIPsRelatedFields}, the cluster-independent checks of the allocator's
 * {@code initIPFamilyFields}, and the update rules {@code validateUpgradeDowngradeClusterIPs} and
 * {@code validateUpgradeDowngradeIPFamilies}.
 */
final class ClusterIpRules {
    static final List<String> FAMILIES = List.of(IPV4, IPV6);
    static final List<String> POLICIES = List.of(PREFER_DUAL_STACK, REQUIRE_DUAL_STACK, SINGLE_STACK);
    private static final String CLUSTER_IPS = "spec.clusterIPs";
    private static final String IP_FAMILY_POLICY = "spec.ipFamilyPolicy";

    private ClusterIpRules() {
    }

    /** {@code ValidateServiceClusterIPsRelatedFields}; ExternalName is checked elsewhere. */
    static void related(ServiceSpec spec, List<FieldError> errs) {
        if (isType(spec, EXTERNAL_NAME)) {
            return;
        }
        List<String> ips = clusterIPs(spec);
        String clusterIP = str(spec.getClusterIP());
        // clusterIP and clusterIPs[0] must agree (the registry copies a lone clusterIP over first).
        if (!clusterIP.isEmpty()) {
            if (ips.isEmpty()) {
                errs.add(FieldError.required(CLUSTER_IPS, ""));
            } else if (!str(ips.get(0)).equals(clusterIP)) {
                errs.add(FieldError.invalid(CLUSTER_IPS, GoValue.strings(ips), "first value must match `clusterIP`"));
            }
        } else if (!ips.isEmpty()) {
            errs.add(FieldError.invalid(CLUSTER_IPS, GoValue.strings(ips),
                    "must be empty when `clusterIP` is not specified"));
        }

        Set<String> seen = new HashSet<>();
        List<String> families = ipFamilies(spec);
        for (int i = 0; i < families.size(); i++) {
            String family = str(families.get(i));
            if (!FAMILIES.contains(family)) {
                errs.add(FieldError.notSupported("spec.ipFamilies[" + i + "]", family, FAMILIES));
            }
            if (!seen.add(family)) {
                errs.add(FieldError.duplicate("spec.ipFamilies[" + i + "]", family));
            }
        }
        if (spec.getIpFamilyPolicy() != null && !POLICIES.contains(spec.getIpFamilyPolicy())) {
            errs.add(FieldError.notSupported(IP_FAMILY_POLICY, spec.getIpFamilyPolicy(), POLICIES));
        }

        boolean invalidIps = false;
        for (int i = 0; i < ips.size(); i++) {
            String ip = str(ips.get(i));
            if (i == 0 && HEADLESS.equals(ip)) {
                if (ips.size() > 1) {
                    invalidIps = true;
                    errs.add(FieldError.invalid(CLUSTER_IPS, GoValue.strings(ips),
                            "'None' must be the first and only value"));
                }
                continue;
            }
            List<FieldError> ipErrs = IpAddresses.validateIp(CLUSTER_IPS + "[" + i + "]", ip);
            invalidIps |= !ipErrs.isEmpty();
            errs.addAll(ipErrs);
        }
        if (ips.size() > 2) {
            errs.add(FieldError.invalid(CLUSTER_IPS, GoValue.strings(ips), "may only hold up to 2 values"));
        }
        // Upstream stops here: family checks on bad addresses would only add noise.
        if (invalidIps) {
            return;
        }
        if (ips.size() > 1 && !isDualStack(ips)) {
            errs.add(FieldError.invalid(CLUSTER_IPS, GoValue.strings(ips),
                    "may specify no more than one IP for each IP family"));
        }
        if (!isHeadless(spec) && !ips.isEmpty() && !families.isEmpty()) {
            for (int i = 0; i < ips.size() && i < families.size(); i++) {
                String ip = ips.get(i);
                boolean v6 = IpAddresses.isIPv6String(ip);
                if (IPV4.equals(families.get(i)) && v6) {
                    errs.add(FieldError.invalid(CLUSTER_IPS + "[" + i + "]", ip,
                            "expected an IPv4 value as indicated by `ipFamilies[" + i + "]`"));
                }
                if (IPV6.equals(families.get(i)) && !v6) {
                    errs.add(FieldError.invalid(CLUSTER_IPS + "[" + i + "]", ip,
                            "expected an IPv6 value as indicated by `ipFamilies[" + i + "]`"));
                }
            }
        }
    }

    /**
     * The checks {@code initIPFamilyFields} makes before allocating that do not depend on the cluster's
     * configured families: a SingleStack Service cannot carry two addresses or two families.
     */
    static void policyMatchesFields(ServiceSpec spec, List<FieldError> errs) {
        if (!SINGLE_STACK.equals(spec.getIpFamilyPolicy())) {
            return;
        }
        if (clusterIPs(spec).size() == 2) {
            errs.add(FieldError.invalid(IP_FAMILY_POLICY, SINGLE_STACK,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
        }
        if (ipFamilies(spec).size() == 2) {
            errs.add(FieldError.invalid(IP_FAMILY_POLICY, SINGLE_STACK,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
        }
    }

    /** {@code validateUpgradeDowngradeClusterIPs}: the primary clusterIP never changes. */
    static void upgradeDowngradeClusterIPs(ServiceSpec old, ServiceSpec spec, List<FieldError> errs) {
        if (isType(spec, EXTERNAL_NAME) || isType(old, EXTERNAL_NAME) || (isHeadless(old) && isHeadless(spec))) {
            return;
        }
        List<String> before = clusterIPs(old);
        List<String> after = clusterIPs(spec);
        if (before.size() == after.size()) {
            for (int i = 0; i < before.size(); i++) {
                if (!before.get(i).equals(after.get(i))) {
                    errs.add(FieldError.invalid(CLUSTER_IPS + "[" + i + "]", GoValue.strings(after),
                            "may not change once set"));
                }
            }
        } else if (before.size() > after.size()) {
            if (after.isEmpty()) {
                errs.add(FieldError.invalid(CLUSTER_IPS + "[0]", GoValue.strings(after),
                        "primary clusterIP can not be unset"));
            }
            if (!before.isEmpty() && !after.isEmpty() && !after.get(0).equals(before.get(0))) {
                errs.add(FieldError.invalid(CLUSTER_IPS + "[0]", GoValue.strings(after), "may not change once set"));
            }
            if (after.size() == 1 && !SINGLE_STACK.equals(spec.getIpFamilyPolicy())) {
                errs.add(FieldError.invalid(IP_FAMILY_POLICY, spec.getIpFamilyPolicy(),
                        "must be set to 'SingleStack' when releasing the secondary clusterIP"));
            }
        } else if (!before.isEmpty() && !after.get(0).equals(before.get(0))) {
            errs.add(FieldError.invalid(CLUSTER_IPS + "[0]", GoValue.strings(after), "may not change once set"));
        }
    }

    /** {@code validateUpgradeDowngradeIPFamilies}: the primary family never changes. */
    static void upgradeDowngradeIpFamilies(ServiceSpec old, ServiceSpec spec, List<FieldError> errs) {
        if (isType(spec, EXTERNAL_NAME) || isType(old, EXTERNAL_NAME)
                || isHeadless(old) != isHeadless(spec) || isHeadless(spec)) {
            return;
        }
        List<String> before = ipFamilies(old);
        List<String> after = ipFamilies(spec);
        String field = "spec.ipFamilies[0]";
        if (before.size() == after.size()) {
            for (int i = 0; i < before.size(); i++) {
                if (!before.get(i).equals(after.get(i))) {
                    errs.add(FieldError.invalid(field, GoValue.ipFamilies(after), "may not change once set"));
                }
            }
        } else if (before.size() > after.size()) {
            if (clusterIPs(spec).isEmpty()) {
                errs.add(FieldError.invalid(field, GoValue.ipFamilies(after), "primary ipFamily can not be unset"));
            }
            // Upstream prints clusterIPs, not ipFamilies, as the bad value of these two.
            if (!after.isEmpty() && !after.get(0).equals(before.get(0))) {
                errs.add(FieldError.invalid(field, GoValue.strings(clusterIPs(spec)), "may not change once set"));
            }
            if (after.size() == 1 && !SINGLE_STACK.equals(spec.getIpFamilyPolicy())) {
                errs.add(FieldError.invalid(IP_FAMILY_POLICY, spec.getIpFamilyPolicy(),
                        "must be set to 'SingleStack' when releasing the secondary ipFamily"));
            }
        } else if (!before.isEmpty() && !after.isEmpty() && !after.get(0).equals(before.get(0))) {
            errs.add(FieldError.invalid(field, GoValue.strings(clusterIPs(spec)), "may not change once set"));
        }
    }

    /** {@code netutils.IsDualStackIPStrings}: at least one address of each family. */
    private static boolean isDualStack(List<String> ips) {
        boolean v4 = false;
        boolean v6 = false;
        for (String ip : ips) {
            if (IpAddresses.isIPv6String(ip)) {
                v6 = true;
            } else {
                v4 = true;
            }
        }
        return v4 && v6;
    }
}
