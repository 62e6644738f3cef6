package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.kubeway.admin.ClusterView;
import io.kubeway.core.IpLiterals;
import org.jspecify.annotations.Nullable;

import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code kubeway run} prints once the first state is programmed: what it serves, which listeners failed
 * (with the reason) and a {@code curl} line for each address that really answers, never one for a listener
 * that failed to bind, so the first thing a user tries works.
 *
 * @param manifests     what is served, as given
 * @param transport     the data plane's I/O transport
 * @param admin         the admin API's bound address
 * @param nodeAddresses where NodePorts listen
 * @param ingressHttp   the Ingress HTTP listener, or null
 */
record Banner(List<?> manifests, String transport, InetSocketAddress admin, List<InetAddress> nodeAddresses,
              @Nullable InetSocketAddress ingressHttp) {

    void print(PrintStream out, ClusterView view) {
        out.printf("kubeway is serving %s (data plane: %s, admin API: http://%s)%n", manifests, transport,
                hostPort(admin.getAddress(), admin.getPort()));
        if (!view.notReady().isEmpty()) {
            out.println("Not serving (kubeway get events, curl http://" + hostPort(admin.getAddress(), admin.getPort())
                    + "/readyz):");
            view.notReady().forEach(reason -> out.println("  " + reason));
        }
        List<String> tries = tries(view);
        if (!tries.isEmpty()) {
            out.println("Try:");
            tries.forEach(line -> out.println("  " + line));
        }
        out.println("  ./kubeway get services,   ./kubeway get ingress,   ./kubeway get endpointslices,"
                + "   ./kubeway get events");
        out.flush();
    }

    private List<String> tries(ClusterView view) {
        List<String> out = new ArrayList<>();
        for (Service s : view.services()) {
            var spec = s.getSpec();
            if (spec.getPorts() == null || spec.getPorts().isEmpty() || spec.getClusterIP() == null
                    || "None".equals(spec.getClusterIP())) {
                continue;
            }
            ServicePort p = spec.getPorts().getFirst();
            if (!"TCP".equals(p.getProtocol())) {
                continue;
            }
            String name = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
            curl(out, view, spec.getClusterIP(), p.getPort(), "ClusterIP of " + name + " (" + spec.getType() + ")");
            InetAddress node = nodeAddress();
            if (p.getNodePort() != null && node != null) {
                curl(out, view, IpLiterals.format(node), p.getNodePort(), "NodePort of " + name);
            }
            if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null) {
                for (var ing : s.getStatus().getLoadBalancer().getIngress()) {
                    if (ing.getIp() != null) {
                        curl(out, view, ing.getIp(), p.getPort(), "LoadBalancer IP of " + name);
                    }
                }
            }
        }
        if (ingressHttp != null && !view.listenerFailed(key(ingressHttp.getAddress(), ingressHttp.getPort()))) {
            for (Ingress ing : view.ingresses()) {
                List<IngressRule> rules = ing.getSpec().getRules() == null ? List.of() : ing.getSpec().getRules();
                for (IngressRule rule : rules) {
                    if (rule.getHost() != null && !rule.getHost().startsWith("*")) {
                        out.add("curl -H 'Host: %s' http://%s/        # Ingress %s/%s".formatted(rule.getHost(),
                                hostPort(ingressHttp.getAddress(), ingressHttp.getPort()),
                                ing.getMetadata().getNamespace(), ing.getMetadata().getName()));
                    }
                }
            }
        }
        return out;
    }

    private static void curl(List<String> out, ClusterView view, String ip, int port, String what) {
        InetAddress address = IpLiterals.parse(ip);
        if (address == null || view.listenerFailed(key(address, port))) {
            return;
        }
        out.add("curl http://%s/        # %s".formatted(hostPort(address, port), what));
    }

    /** The NodePort address a user on this machine reaches: an IPv4 loopback one if NodePorts listen there. */
    private @Nullable InetAddress nodeAddress() {
        return nodeAddresses.stream().filter(a -> a.isLoopbackAddress() && a instanceof Inet4Address).findFirst()
                .orElse(nodeAddresses.isEmpty() ? null : nodeAddresses.getFirst());
    }

    /** As {@code ListenKey} prints a TCP listener. */
    private static String key(InetAddress address, int port) {
        return hostPort(address, port) + "/TCP";
    }

    private static String hostPort(InetAddress address, int port) {
        String ip = IpLiterals.format(address);
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }
}
