package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.BackendTls;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.translate.endpoints.EndpointSelection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns Ingress backends into route backends: a Service port of the Ingress's namespace, by number or by name,
 * whose ready endpoints (kube-proxy's choice, {@link EndpointSelection}) the proxy reaches directly, not through
 * the ClusterIP. What cannot be served answers 503 and is reported once per Ingress: a missing Service or port,
 * an ExternalName Service (Kubeway never resolves names), a non-TCP port, a {@code resource} backend.
 *
 * <p>Clusters are named {@code ns/svc:port} (the Service port number), with {@code /HTTPS}, {@code /GRPC} or
 * {@code /GRPCS} appended for other backend protocols, so that one name always means one way of connecting.
 */
final class BackendResolver {
    static final String SERVICE_NOT_FOUND = "ServiceNotFound";
    static final String UNSUPPORTED_BACKEND = "UnsupportedBackend";

    private final Map<NamespacedName, Service> services = new HashMap<>();
    private final Map<NamespacedName, List<EndpointSlice>> slices;
    private final String nodeName;
    private final Map<List<Object>, HttpCluster> clusters = new HashMap<>();
    /** Every Service looked up (found or not), whose object or slices the result depends on. */
    private final java.util.Set<NamespacedName> read = new java.util.HashSet<>();
    /** The clusters made from each Service's slices (not those of its ClusterIP), with the port name they select. */
    private final Map<NamespacedName, List<SliceCluster>> fromSlices = new HashMap<>();

    /** A cluster made from a Service's slices: what an EndpointSlice change of that Service replaces. */
    record SliceCluster(HttpCluster cluster, String portName) {
    }

    BackendResolver(List<Service> services, Map<NamespacedName, List<EndpointSlice>> slices, String nodeName) {
        services.forEach(s -> this.services.put(NamespacedName.of(s), s));
        this.slices = slices;
        this.nodeName = nodeName;
    }

    /**
     * The backend; problems go to {@code warn(reason, message)}.
     */
    Backend resolve(String namespace, IngressBackend b, BackendProtocol protocol, BiConsumer<String, String> warn) {
        return resolve(namespace, b, protocol, UpstreamAnnotations.Upstream.DEFAULT, warn);
    }

    /** The backend with {@code upstream}'s TLS and service-upstream settings. */
    Backend resolve(String namespace, IngressBackend b, BackendProtocol protocol, UpstreamAnnotations.Upstream upstream,
                    BiConsumer<String, String> warn) {
        if (b.getResource() != null) {
            String what = b.getResource().getKind() + " " + b.getResource().getName();
            warn.accept(UNSUPPORTED_BACKEND, "resource backend " + what + " is not supported by kubeway; its paths "
                    + "answer 503");
            return new Backend.Unavailable("resource backend " + what + " is not supported");
        }
        IngressServiceBackend sb = b.getService();
        NamespacedName nn = new NamespacedName(namespace, sb.getName());
        read.add(nn);
        Service svc = services.get(nn);
        if (svc == null) {
            warn.accept(SERVICE_NOT_FOUND, "service " + nn + " not found; its paths answer 503");
            return new Backend.Unavailable("service " + nn + " not found");
        }
        if ("ExternalName".equals(svc.getSpec().getType())) {
            warn.accept(UNSUPPORTED_BACKEND, "service " + nn + " is of type ExternalName, which kubeway does not "
                    + "proxy to; its paths answer 503");
            return new Backend.Unavailable("service " + nn + " is ExternalName");
        }
        String portName = sb.getPort() == null ? null : sb.getPort().getName();
        Integer number = sb.getPort() == null ? null : sb.getPort().getNumber();
        ServicePort port = findPort(svc, portName, number);
        String wanted = portName != null && !portName.isEmpty() ? "named \"" + portName + "\"" : String.valueOf(number);
        if (port == null) {
            warn.accept(SERVICE_NOT_FOUND, "service " + nn + " has no port " + wanted + "; its paths answer 503");
            return new Backend.Unavailable("service " + nn + " has no port " + wanted);
        }
        return service(nn, port, protocol, upstream, warn);
    }

    /** {@code --default-backend-service}: its first port. */
    Backend defaultService(NamespacedName nn, BiConsumer<String, String> warn) {
        read.add(nn);
        Service svc = services.get(nn);
        List<ServicePort> ports = svc == null || svc.getSpec().getPorts() == null ? List.of()
                : svc.getSpec().getPorts();
        if (ports.isEmpty() || "ExternalName".equals(svc.getSpec().getType())) {
            warn.accept(SERVICE_NOT_FOUND, "default backend service " + nn + (svc == null ? " not found"
                    : " has no port to proxy to") + "; the built-in 404 answers instead");
            return Backend.NOT_FOUND;
        }
        return service(nn, ports.get(0), BackendProtocol.HTTP, UpstreamAnnotations.Upstream.DEFAULT, warn);
    }

    /**
     * A Service port's cluster. With {@code service-upstream}, its one endpoint is the ClusterIP and Service port
     * (which Kubeway's own L4 plane, or kube-proxy, balances), as ingress-nginx's single upstream; a Service without
     * ClusterIP (headless) keeps its endpoints, reported. Backend TLS without a {@code proxy-ssl-name} verifies and
     * names {@code svc.ns.svc}.
     */
    private Backend service(NamespacedName nn, ServicePort port, BackendProtocol protocol,
                            UpstreamAnnotations.Upstream upstream, BiConsumer<String, String> warn) {
        if (Protocol.parse(port.getProtocol()) != Protocol.TCP) {
            warn.accept(UNSUPPORTED_BACKEND, "service " + nn + " port " + port.getPort() + " is " + port.getProtocol()
                    + ", not TCP; its paths answer 503");
            return new Backend.Unavailable("service " + nn + " port " + port.getPort() + " is not TCP");
        }
        String name = nn + ":" + port.getPort() + (protocol == BackendProtocol.HTTP ? "" : "/" + protocol);
        String clusterIp = upstream.serviceUpstream() ? services.get(nn).getSpec().getClusterIP() : null;
        var ip = clusterIp == null ? null : IpLiterals.parse(clusterIp);
        if (upstream.serviceUpstream() && ip == null) {
            warn.accept(UNSUPPORTED_BACKEND, "service-upstream: service " + nn + " has no ClusterIP; its endpoints "
                    + "are used");
        }
        BackendTls tls = upstream.tls() == null || !upstream.tls().name().isEmpty() ? upstream.tls()
                : upstream.tls().withName(nn.name() + "." + nn.namespace() + ".svc");
        String display = name + (ip != null ? " (ClusterIP)" : "");
        HttpCluster cluster = clusters.computeIfAbsent(List.of(name, ip == null ? "" : ip, tls == null ? "" : tls), k -> {
            if (ip != null) {
                return new HttpCluster(display, List.of(new Endpoint(ip, port.getPort(), nn.toString())), protocol,
                        tls);
            }
            String portName = port.getName() == null ? "" : port.getName();
            HttpCluster c = new HttpCluster(display, endpoints(slices.getOrDefault(nn, List.of()), portName), protocol,
                    tls);
            fromSlices.computeIfAbsent(nn, n -> new java.util.ArrayList<>()).add(new SliceCluster(c, portName));
            return c;
        });
        return new Backend.Service(cluster);
    }

    /** A Service port's usable endpoints among {@code slices}, as kube-proxy picks them for this node. */
    List<Endpoint> endpoints(List<EndpointSlice> slices, String portName) {
        return EndpointSelection.usable(slices, portName, Protocol.TCP, false, nodeName);
    }

    /** The clusters made so far from each Service's slices. */
    Map<NamespacedName, List<SliceCluster>> fromSlices() {
        return fromSlices;
    }

    /** The Services looked up so far (found or not): a change to another one's object or slices changes nothing here. */
    java.util.Set<NamespacedName> read() {
        return read;
    }

    private static ServicePort findPort(Service svc, String name, Integer number) {
        List<ServicePort> ports = svc.getSpec().getPorts() == null ? List.of() : svc.getSpec().getPorts();
        for (ServicePort p : ports) {
            boolean byName = name != null && !name.isEmpty();
            if (byName ? name.equals(p.getName()) : number != null && number.equals(p.getPort())) return p;
        }
        return null;
    }
}
