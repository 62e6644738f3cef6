package io.kubeway.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a ServiceAccount may do under the RBAC objects of deploy/, flattened to one {@link Grant} per (scope,
 * apiGroup, resource, verb), and RBAC's own authorisation rule over those grants.
 */
record RbacRules(Set<Grant> grants) {
    /** {@code namespace} is null for a ClusterRole's grant (every namespace and cluster-scoped objects). */
    record Grant(String namespace, String apiGroup, String resource, String verb) implements Comparable<Grant> {
        static Grant cluster(String apiGroup, String resource, String verb) {
            return new Grant(null, apiGroup, resource, verb);
        }

        static Grant in(String namespace, String apiGroup, String resource, String verb) {
            return new Grant(namespace, apiGroup, resource, verb);
        }

        @Override
        public int compareTo(Grant o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return (namespace == null ? "*" : namespace) + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + " "
                    + resource + " " + verb;
        }
    }

    /** The grants bound to ServiceAccount namespace/name by the (Cluster)RoleBindings among {@code objects}. */
    static RbacRules of(List<HasMetadata> objects, String namespace, String account) {
        Set<Grant> grants = new TreeSet<>();
        for (HasMetadata o : objects) {
            if (o instanceof ClusterRoleBinding b && bound(b.getSubjects(), namespace, account)) {
                ClusterRole role = DeployFiles.find(objects, ClusterRole.class, b.getRoleRef().getName());
                add(grants, null, role.getRules());
            } else if (o instanceof RoleBinding b && bound(b.getSubjects(), namespace, account)) {
                Role role = DeployFiles.find(objects, Role.class, b.getRoleRef().getName());
                add(grants, b.getMetadata().getNamespace(), role.getRules());
            }
        }
        return new RbacRules(grants);
    }

    /** RBAC's decision for one request: some grant names its group, resource (with subresource) and verb. */
    boolean allows(String namespace, String apiGroup, String resource, String verb) {
        return grants.stream().anyMatch(g -> (g.namespace() == null || g.namespace().equals(namespace))
                && g.apiGroup().equals(apiGroup) && g.resource().equals(resource) && g.verb().equals(verb));
    }

    private static boolean bound(List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects, String ns, String name) {
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind()) && name.equals(s.getName())
                && ns.equals(s.getNamespace()));
    }

    private static void add(Set<Grant> grants, String namespace, List<PolicyRule> rules) {
        for (PolicyRule rule : rules) {
            if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
                throw new AssertionError("resourceNames are not modelled here: " + rule);
            }
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        grants.add(new Grant(namespace, group, resource, verb));
                    }
                }
            }
        }
    }
}
