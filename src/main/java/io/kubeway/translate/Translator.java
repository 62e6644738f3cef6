package io.kubeway.translate;

import io.kubeway.core.IpLiterals;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.core.Protocol;
import io.kubeway.state.Cluster;
import io.kubeway.state.DesiredState;
import io.kubeway.state.Endpoint;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.ServicePortName;
import io.kubeway.translate.endpoints.EndpointSelection;
import io.kubeway.translate.endpoints.EndpointSliceController;
import io.kubeway.translate.endpoints.EndpointSliceValidation;
import io.kubeway.translate.endpoints.EndpointsMirroring;
import io.kubeway.translate.endpoints.PodIndex;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure translation from admitted Services (and pods, slices) to the {@link DesiredState}: one L4
 * listener per ClusterIP:port, NodePort on each node address, LoadBalancer IP:port and externalIP:port,
 * each with the endpoints kube-proxy would use. No I/O, no clock: the same input gives the same output.
 *
 * <p>Listeners on the ClusterIP use {@code internalTrafficPolicy}; NodePort, LoadBalancer and external IP
 * listeners use {@code externalTrafficPolicy}. Headless and ExternalName services get EndpointSlices (headless)
 * but no listener. When two services claim the same address, port and protocol (overlapping externalIPs, say),
 * the older service keeps it and the other gets a problem.
 */
public final class Translator {
    private Translator() {
    }

    public static Translation translate(TranslatorInput in) {
        PodIndex pods = new PodIndex(in.pods());
        Map<NamespacedName, List<EndpointSlice>> userSlices = userSlicesByService(in.userSlices(), in.endpoints());
        Map<ListenKey, L4Listener> listeners = new LinkedHashMap<>();
        List<EndpointSlice> slices = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();

        for (Service svc : in.services()) {
            NamespacedName nn = NamespacedName.of(svc);
            ServiceSpec spec = svc.getSpec();
            if ("ExternalName".equals(spec.getType())) {
                continue;
            }
            List<EndpointSlice> own;
            if (spec.getSelector() != null && !spec.getSelector().isEmpty()) {
                own = EndpointSliceController.slicesFor(svc, pods.select(nn.namespace(), spec.getSelector()), in.nodeName());
                // the slices are made with the service: they share its age
                own.forEach(s -> s.getMetadata().setCreationTimestamp(svc.getMetadata().getCreationTimestamp()));
                slices.addAll(own);
            } else {
                own = userSlices.getOrDefault(nn, List.of());
            }
            if ("None".equals(spec.getClusterIP())) {
                continue; // headless: DNS only, nothing to proxy
            }
            new ServiceListeners(svc, nn, own, in, listeners, problems).build();
        }
        return new Translation(new DesiredState(listeners), slices, problems);
    }

    /** The user's EndpointSlices (by their service-name label) and mirrored legacy Endpoints, per service. */
    private static Map<NamespacedName, List<EndpointSlice>> userSlicesByService(List<EndpointSlice> userSlices,
                                                                              List<Endpoints> endpoints) {
        Map<NamespacedName, List<EndpointSlice>> out = new HashMap<>();
        for (EndpointSlice s : userSlices) {
            String svc = EndpointSliceValidation.ownerService(s);
            if (svc != null) {
                out.computeIfAbsent(new NamespacedName(s.getMetadata().getNamespace(), svc), k -> new ArrayList<>()).add(s);
            }
        }
        for (Endpoints ep : endpoints) {
            NamespacedName nn = NamespacedName.of(ep);
            // As the mirroring controller: Endpoints are mirrored only when the user has not written slices.
            if (!out.containsKey(nn)) {
                out.put(nn, new ArrayList<>(EndpointsMirroring.mirror(ep)));
            }
        }
        return out;
    }

    /** Builds the listeners of one service. */
    private record ServiceListeners(Service svc, NamespacedName nn, List<EndpointSlice> slices, TranslatorInput in,
                                    Map<ListenKey, L4Listener> listeners, List<Problem> problems) {
        void build() {
            ServiceSpec spec = svc.getSpec();
            String type = spec.getType();
            boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
            boolean externalLocal = "Local".equals(spec.getExternalTrafficPolicy());
            int affinity = affinityTimeout(spec);
            List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
            for (ServicePort port : ports) {
                Protocol protocol = Protocol.parse(port.getProtocol());
                if (protocol == Protocol.SCTP) {
                    continue; // reported once by ServiceSupport.unsupported
                }
                String portName = port.getName() == null ? "" : port.getName();
                ServicePortName spn = new ServicePortName(nn, portName.isEmpty() ? String.valueOf(port.getPort()) : portName, protocol);
                Cluster internal = cluster(spn, portName, protocol, internalLocal, affinity);
                Cluster external = cluster(spn, portName, protocol, externalLocal, affinity);
                for (String ip : clusterIps(spec)) {
                    add(ip, port.getPort(), spn, "ClusterIP", internal);
                }
                boolean nodePorts = "NodePort".equals(type) || "LoadBalancer".equals(type);
                if (nodePorts && port.getNodePort() != null && port.getNodePort() > 0) {
                    for (InetAddress node : in.nodeAddresses()) {
                        add(node, port.getNodePort(), spn, "NodePort", external);
                    }
                }
                if ("LoadBalancer".equals(type) && svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                        && svc.getStatus().getLoadBalancer().getIngress() != null) {
                    for (LoadBalancerIngress ing : svc.getStatus().getLoadBalancer().getIngress()) {
                        if (ing.getIp() != null) {
                            add(ing.getIp(), port.getPort(), spn, "LoadBalancer", external);
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
            InetAddress addr;
            try {
                addr = IpLiterals.of(ip);
            } catch (IllegalArgumentException e) {
                problems.add(Problem.warning(ObjectRef.of(svc), in.sources().get(nn), "InvalidAddress",
                        kind + " address \"" + ip + "\" is not an IP address"));
                return;
            }
            add(addr, port, spn, kind, cluster);
        }

        private void add(InetAddress addr, int port, ServicePortName spn, String kind, Cluster cluster) {
            ListenKey key = new ListenKey(addr, port, spn.protocol());
            L4Listener existing = listeners.get(key);
            if (existing != null) {
                if (!existing.service().service().equals(nn)) {
                    problems.add(Problem.warning(ObjectRef.of(svc), in.sources().get(nn), "PortConflict",
                            kind + " " + key + " is already used by " + existing.kind() + " of service "
                                    + existing.service().service() + "; not served for " + spn));
                }
                return;
            }
            listeners.put(key, new L4Listener(key, spn, kind, cluster));
        }
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
