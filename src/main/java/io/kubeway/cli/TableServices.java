package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.kubeway.cli.TableColumns.isEmpty;

/** kubectl's Service columns: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, plus SELECTOR with -o wide. */
final class TableServices implements TableColumns<Service> {
    /** kubectl clips load-balancer addresses to this many bytes outside -o wide. */
    static final int LOAD_BALANCER_WIDTH = 16;

    @Override
    public List<String> headers(boolean wide) {
        List<String> headers = new ArrayList<>(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"));
        if (wide) {
            headers.add("SELECTOR");
        }
        return headers;
    }

    @Override
    public List<String> row(Service svc, boolean wide, Instant now) {
        ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
        String ports = portString(spec.getPorts());
        List<String> row = new ArrayList<>(List.of(svc.getMetadata().getName(), type(spec), clusterIp(spec),
                externalIp(spec, svc.getStatus(), wide), ports.isEmpty() ? "<none>" : ports,
                TableAge.since(svc.getMetadata().getCreationTimestamp(), now)));
        if (wide) {
            row.add(TableColumns.formatLabels(spec.getSelector()));
        }
        return row;
    }

    // the API server defaults an absent type to ClusterIP before kubectl ever sees it
    private static String type(ServiceSpec spec) {
        return isEmpty(spec.getType()) ? "ClusterIP" : spec.getType();
    }

    // kubectl reads clusterIPs[0]; a v1 object with only clusterIP set converts to clusterIPs = [clusterIP]
    private static String clusterIp(ServiceSpec spec) {
        if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
            return spec.getClusterIPs().getFirst();
        }
        return isEmpty(spec.getClusterIP()) ? "<none>" : spec.getClusterIP();
    }

    static String externalIp(ServiceSpec spec, ServiceStatus status, boolean wide) {
        List<String> externalIps = spec.getExternalIPs() == null ? List.of() : spec.getExternalIPs();
        return switch (type(spec)) {
            case "ClusterIP", "NodePort" -> externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
            case "LoadBalancer" -> {
                String lbIps = loadBalancerStatus(status, wide);
                if (!externalIps.isEmpty()) {
                    yield lbIps.isEmpty() ? String.join(",", externalIps) : lbIps + "," + String.join(",", externalIps);
                }
                yield lbIps.isEmpty() ? "<pending>" : lbIps;
            }
            case "ExternalName" -> spec.getExternalName() == null ? "" : spec.getExternalName();
            default -> "<unknown>";
        };
    }

    /** Distinct ingress IPs (else hostnames), sorted, comma-joined, clipped to 13 bytes + "..." unless wide. */
    static String loadBalancerStatus(ServiceStatus status, boolean wide) {
        TreeSet<String> addresses = new TreeSet<>();
        if (status != null && status.getLoadBalancer() != null && status.getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress ingress : status.getLoadBalancer().getIngress()) {
                if (!isEmpty(ingress.getIp())) {
                    addresses.add(ingress.getIp());
                } else if (!isEmpty(ingress.getHostname())) {
                    addresses.add(ingress.getHostname());
                }
            }
        }
        String joined = String.join(",", addresses);
        if (!wide && joined.length() > LOAD_BALANCER_WIDTH) {
            return joined.substring(0, LOAD_BALANCER_WIDTH - 3) + "...";
        }
        return joined;
    }

    /** {@code 80/TCP}, or {@code 80:30080/TCP} with a node port, comma-joined. */
    static String portString(List<ServicePort> ports) {
        if (ports == null) {
            return "";
        }
        return ports.stream().map(p -> {
            String protocol = isEmpty(p.getProtocol()) ? "TCP" : p.getProtocol();
            int port = p.getPort() == null ? 0 : p.getPort();
            return p.getNodePort() != null && p.getNodePort() > 0
                    ? port + ":" + p.getNodePort() + "/" + protocol
                    : port + "/" + protocol;
        }).collect(Collectors.joining(","));
    }
}
