package io.kubeway.cluster;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.NamespacedName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * kube-proxy's service health checks: for every {@code externalTrafficPolicy: Local} LoadBalancer Service, an HTTP
 * server on its {@code healthCheckNodePort} (on this node's addresses) answers 200 while this node has a ready
 * endpoint of the Service and 503 when it has none, with kube-proxy's JSON body naming the Service and the local
 * endpoint count. Cloud and MetalLB-style load balancers use it to send traffic only to nodes that can serve it.
 */
public final class HealthCheckNodePorts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthCheckNodePorts.class);

    private final String node;
    private final List<InetAddress> addresses;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("health-check-node-ports").daemon().factory());
    private final Map<Integer, List<HttpServer>> servers = new HashMap<>();
    private final Map<Integer, Health> health = new ConcurrentHashMap<>();

    private record Health(NamespacedName service, int localEndpoints) {
    }

    public HealthCheckNodePorts(String node, List<InetAddress> addresses) {
        this.node = node;
        this.addresses = List.copyOf(addresses);
    }

    /** Serves the health check ports of {@code services}; closes those no Service uses any more. */
    public synchronized void update(List<Service> services, List<EndpointSlice> slices) {
        Map<Integer, Health> want = new HashMap<>();
        for (Service svc : services) {
            var spec = svc.getSpec();
            if (spec == null || spec.getHealthCheckNodePort() == null || !"Local".equals(spec.getExternalTrafficPolicy())
                    || !"LoadBalancer".equals(spec.getType())) {
                continue;
            }
            want.put(spec.getHealthCheckNodePort(), new Health(NamespacedName.of(svc), localEndpoints(svc, slices)));
        }
        health.keySet().retainAll(want.keySet());
        health.putAll(want);
        servers.entrySet().removeIf(e -> {
            if (want.containsKey(e.getKey())) return false;
            e.getValue().forEach(server -> server.stop(0));
            return true;
        });
        for (int port : want.keySet()) {
            if (!servers.containsKey(port)) {
                servers.put(port, new java.util.ArrayList<>());
                start(port);
            }
        }
    }

    private void start(int port) {
        for (InetAddress a : addresses) {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(a, port), 16);
                server.setExecutor(executor);
                server.createContext("/", ex -> {
                    Health h = health.get(port);
                    int code = h != null && h.localEndpoints() > 0 ? 200 : 503;
                    String body = h == null ? "{}" : "{\"service\":{\"namespace\":\"" + h.service().namespace()
                            + "\",\"name\":\"" + h.service().name() + "\"},\"localEndpoints\":" + h.localEndpoints()
                            + ",\"serviceProxyHealthy\":true}";
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
                    ex.sendResponseHeaders(code, bytes.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(bytes);
                    }
                });
                server.start();
                servers.computeIfAbsent(port, p -> new java.util.ArrayList<>()).add(server);
            } catch (IOException e) {
                log.warn("health check node port {} on {}: {}", port, a.getHostAddress(), e.getMessage());
            }
        }
    }

    private int localEndpoints(Service svc, List<EndpointSlice> slices) {
        int n = 0;
        for (EndpointSlice s : slices) {
            if (!svc.getMetadata().getNamespace().equals(s.getMetadata().getNamespace())
                    || s.getMetadata().getLabels() == null
                    || !svc.getMetadata().getName().equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))
                    || s.getEndpoints() == null) {
                continue;
            }
            for (Endpoint e : s.getEndpoints()) {
                boolean ready = e.getConditions() == null || e.getConditions().getReady() == null
                        || e.getConditions().getReady();
                if (ready && node.equals(e.getNodeName())) n++;
            }
        }
        return n;
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(list -> list.forEach(s -> s.stop(0)));
        servers.clear();
        executor.shutdownNow();
    }
}
