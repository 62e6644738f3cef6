package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.core.Protocol;
import io.kubeway.state.Cluster;
import io.kubeway.state.Endpoint;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.ServicePortName;
import io.kubeway.translate.endpoints.EndpointSelection;
import io.kubeway.translate.endpoints.EndpointSliceController;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The translation of one Service: the EndpointSlices derived from its pods (selector services) and its
 * listeners, each with the endpoints kube-proxy would use. ClusterIP listeners follow
 * {@code internalTrafficPolicy}; NodePort, LoadBalancer and external IP listeners follow
 * {@code externalTrafficPolicy}. Headless services get slices but no listener; ExternalName gets neither.
 */
record ServiceTranslation(NamespacedName name, List<EndpointSlice> slices, List<L4Listener> listeners,
                          List<Problem> problems) {
    /**
     * @param selected the pods its selector selects, or null for a service without selector
     * @param userSlices the user's slices (or mirrored Endpoints) for a service without selector
     */
    static ServiceTranslation of(Service svc, List<Pod> selected, List<EndpointSlice> userSlices, TranslatorInput in) {
        NamespacedName nn = NamespacedName.of(svc);
        ServiceSpec spec = svc.getSpec();
        if ("ExternalName".equals(spec.getType())) {
            return new ServiceTranslation(nn, List.of(), List.of(), List.of());
        }
        List<EndpointSlice> derived = List.of();
        List<EndpointSlice> own = userSlices;
        if (selected != null && in.deriveSlices()) {
            derived = EndpointSliceController.slicesFor(svc, selected, in.nodeName());
            // the slices are made with the service: they share its age
            derived.forEach(s -> s.getMetadata().setCreationTimestamp(svc.getMetadata().getCreationTimestamp()));
            own = derived;
        }
        if ("None".equals(spec.getClusterIP())) {
            return new ServiceTranslation(nn, derived, List.of(), List.of()); // headless: DNS only
        }
        List<L4Listener> listeners = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        new Builder(svc, nn, own, in, listeners, problems).build();
        return new ServiceTranslation(nn, derived, List.copyOf(listeners), List.copyOf(problems));
    }

    private record Builder(Service svc, NamespacedName nn, List<EndpointSlice> slices, TranslatorInput in,
                           List<L4Listener> listeners, List<Problem> problems) {
        void build() {
            ServiceSpec spec = svc.getSpec();
            String type = spec.getType();
            boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
            boolean externalLocal = "Local".equals(spec.getExternalTrafficPolicy());
            int affinity = affinityTimeout(spec);
            boolean nodePorts = "NodePort".equals(type) || "LoadBalancer".equals(type);
            for (ServicePort port : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
                Protocol protocol = Protocol.parse(port.getProtocol());
                if (protocol == Protocol.SCTP) {
                    continue; // reported once by ServiceSupport.unsupported
                }
                String portName = port.getName() == null ? "" : port.getName();
                ServicePortName spn = new ServicePortName(nn, portName.isEmpty() ? String.valueOf(port.getPort()) : portName, protocol);
                Cluster internal = cluster(spn, portName, protocol, internalLocal, affinity);
                Cluster external = externalLocal == internalLocal ? internal
                        : cluster(spn, portName, protocol, externalLocal, affinity);
                for (String ip : clusterIps(spec)) {
                    add(ip, port.getPort(), spn, "ClusterIP", internal);
                }
                if (nodePorts && port.getNodePort() != null && port.getNodePort() > 0) {
                    for (InetAddress node : in.nodeAddresses()) {
                        add(node, port.getNodePort(), spn, "NodePort", external);
                    }
                }
                if ("LoadBalancer".equals(type) && svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                        && svc.getStatus().getLoadBalancer().getIngress() != null) {
                    List<String> ranges = sourceRanges(svc);
                    for (LoadBalancerIngress ing : svc.getStatus().getLoadBalancer().getIngress()) {
                        if (ing.getIp() != null) {
                            add(ing.getIp(), port.getPort(), spn, "LoadBalancer", external, ranges);
                        }
                    }
                }
                if (spec.getExternalIPs() != null) {
                    for (String ip : spec.getExternalIPs()) {
                        add(ip, port.getPort(), spn, "ExternalIP", external);
                    }
                }
            }
        }

        private Cluster cluster(ServicePortName spn, String portName, Protocol protocol, boolean localOnly, int affinity) {
            List<Endpoint> eps = EndpointSelection.usable(slices, portName, protocol, localOnly, in.nodeName());
            return new Cluster(spn + (localOnly ? "/local" : ""), eps, affinity);
        }

        private void add(String ip, int port, ServicePortName spn, String kind, Cluster cluster) {
            add(ip, port, spn, kind, cluster, List.of());
        }

        private void add(String ip, int port, ServicePortName spn, String kind, Cluster cluster, List<String> ranges) {
            InetAddress addr = IpLiterals.parse(ip);
            if (addr == null) {
                problems.add(Problem.warning(ObjectRef.of(svc), in.sources().get(nn), "InvalidAddress",
                        kind + " address \"" + ip + "\" is not an IP address"));
                return;
            }
            listeners.add(new L4Listener(new ListenKey(addr, port, spn.protocol()), spn, kind, cluster, ranges));
        }

        private void add(InetAddress addr, int port, ServicePortName spn, String kind, Cluster cluster) {
            listeners.add(new L4Listener(new ListenKey(addr, port, spn.protocol()), spn, kind, cluster));
        }
    }

    /**
     * {@code spec.loadBalancerSourceRanges}, else the {@code service.beta.kubernetes.io/load-balancer-source-ranges}
     * annotation (comma-separated), as kube-proxy reads them; they filter traffic to the LoadBalancer IPs.
     */
    static List<String> sourceRanges(Service svc) {
        List<String> ranges = svc.getSpec().getLoadBalancerSourceRanges();
        if (ranges != null && !ranges.isEmpty()) {
            return ranges.stream().map(String::strip).toList();
        }
        var ann = svc.getMetadata().getAnnotations();
        String v = ann == null ? null : ann.get("service.beta.kubernetes.io/load-balancer-source-ranges");
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    private static List<String> clusterIps(ServiceSpec spec) {
        if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
            return spec.getClusterIPs();
        }
        String ip = spec.getClusterIP();
        return ip == null || ip.isEmpty() || "None".equals(ip) ? List.of() : List.of(ip);
    }

    private static int affinityTimeout(ServiceSpec spec) {
        if (!"ClientIP".equals(spec.getSessionAffinity())) {
            return 0;
        }
        var cfg = spec.getSessionAffinityConfig();
        if (cfg != null && cfg.getClientIP() != null && cfg.getClientIP().getTimeoutSeconds() != null) {
            return cfg.getClientIP().getTimeoutSeconds();
        }
        return 10800;
    }
}
