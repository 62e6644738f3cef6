package io.kubeway;

import io.kubeway.cluster.LeaderElection;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How Kubeway runs in a cluster (absent: standalone, from manifest files).
 *
 * @param kubeconfig  the kubeconfig to use, or null for the pod's service account (in-cluster configuration)
 * @param roles       what this instance does
 * @param namespace   Kubeway's own namespace: its IPAddressPools, L2Advertisements and Lease
 * @param identity    the Lease holder identity (the pod name)
 * @param election    the Lease timings
 */
public record ClusterSettings(Path kubeconfig, Set<Role> roles, String namespace, String identity,
                              LeaderElection.Timing election) {
    /** The Lease the leader loop holds, in {@link #namespace}. */
    public static final String LEASE_NAME = "kubeway";

    /** What an instance does; {@code --roles} picks any of them. */
    public enum Role {
        /** The node proxy: ClusterIP, NodePort, LoadBalancer and externalIP traffic on this node (a DaemonSet). */
        PROXY,
        /** The elected LoadBalancer IP controller: allocates, writes Service status, releases. */
        LOADBALANCER,
        /** The Ingress controller: HTTP(S) listeners on this instance; the leader writes Ingress status. */
        INGRESS;

        /** {@code proxy,loadbalancer,ingress} → the roles; throws naming an unknown one. */
        public static Set<Role> parse(String list) {
            Set<Role> out = EnumSet.noneOf(Role.class);
            for (String part : list.split(",")) {
                String p = part.strip().toLowerCase(Locale.ROOT);
                if (p.isEmpty()) continue;
                try {
                    out.add(Role.valueOf(p.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown role \"" + part.strip()
                            + "\" in --roles (expected proxy, loadbalancer, ingress)");
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("--roles names no role (expected proxy, loadbalancer, ingress)");
            }
            return out;
        }
    }

    public ClusterSettings {
        roles = Set.copyOf(requireNonNull(roles, "roles"));
        requireNonNull(namespace, "namespace");
        requireNonNull(identity, "identity");
        requireNonNull(election, "election");
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}
