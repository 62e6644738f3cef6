package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.kubeway.cli.TableColumns.isEmpty;

/**
 * kubectl's Node columns: NAME STATUS ROLES AGE VERSION; -o wide adds INTERNAL-IP EXTERNAL-IP OS-IMAGE
 * KERNEL-VERSION CONTAINER-RUNTIME.
 */
final class TableNodes implements TableColumns<Node> {
    private static final String ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
    private static final String ROLE_LABEL = "kubernetes.io/role";

    @Override
    public List<String> headers(boolean wide) {
        List<String> headers = new ArrayList<>(List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION"));
        if (wide) {
            headers.addAll(List.of("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"));
        }
        return headers;
    }

    @Override
    public List<String> row(Node node, boolean wide, Instant now) {
        NodeStatus status = node.getStatus() == null ? new NodeStatus() : node.getStatus();
        NodeSystemInfo info = status.getNodeInfo() == null ? new NodeSystemInfo() : status.getNodeInfo();
        String roles = String.join(",", roles(node.getMetadata().getLabels()));
        List<String> row = new ArrayList<>(List.of(node.getMetadata().getName(), status(node),
                roles.isEmpty() ? "<none>" : roles, TableAge.since(node.getMetadata().getCreationTimestamp(), now),
                info.getKubeletVersion() == null ? "" : info.getKubeletVersion()));
        if (wide) {
            row.addAll(List.of(address(status, "InternalIP"), address(status, "ExternalIP"),
                    orUnknown(info.getOsImage()), orUnknown(info.getKernelVersion()),
                    orUnknown(info.getContainerRuntimeVersion())));
        }
        return row;
    }

    /** {@code Ready} or {@code NotReady} from the Ready condition, {@code Unknown} without one; then cordoning. */
    static String status(Node node) {
        NodeCondition ready = null;
        List<NodeCondition> conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
        for (NodeCondition condition : conditions == null ? List.<NodeCondition>of() : conditions) {
            if ("Ready".equals(condition.getType())) {
                ready = condition;
            }
        }
        List<String> status = new ArrayList<>();
        if (ready == null) {
            status.add("Unknown");
        } else {
            status.add("True".equals(ready.getStatus()) ? "Ready" : "NotReady");
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            status.add("SchedulingDisabled");
        }
        return String.join(",", status);
    }

    /** Roles from {@code node-role.kubernetes.io/<role>} keys and {@code kubernetes.io/role=<role>}, sorted. */
    static List<String> roles(Map<String, String> labels) {
        TreeSet<String> roles = new TreeSet<>();
        if (labels != null) {
            labels.forEach((key, value) -> {
                if (key.startsWith(ROLE_LABEL_PREFIX)) {
                    String role = key.substring(ROLE_LABEL_PREFIX.length());
                    if (!role.isEmpty()) {
                        roles.add(role);
                    }
                } else if (key.equals(ROLE_LABEL) && !isEmpty(value)) {
                    roles.add(value);
                }
            });
        }
        return List.copyOf(roles);
    }

    private static String address(NodeStatus status, String type) {
        List<NodeAddress> addresses = status.getAddresses() == null ? List.of() : status.getAddresses();
        return addresses.stream().filter(a -> type.equals(a.getType())).map(NodeAddress::getAddress).findFirst()
                .orElse("<none>");
    }

    private static String orUnknown(String s) {
        return isEmpty(s) ? "<unknown>" : s;
    }
}
