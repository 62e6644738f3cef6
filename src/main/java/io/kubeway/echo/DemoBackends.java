package io.kubeway.echo;

import io.kubeway.core.IpLiterals;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.kubeway.source.ClusterSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Runs an {@link EchoServer} for every Pod annotated {@code kubeway.io/demo-backend: "true"}, on each of its
 * pod IPs and container ports, named after the pod. It makes the quickstart self-contained: its manifests
 * describe pods, and these stand in for the pods' containers. Pods without the annotation are the user's
 * own processes and are left alone.
 */
public final class DemoBackends implements AutoCloseable {
    public static final String ANNOTATION = "kubeway.io/demo-backend";
    private static final Logger log = LoggerFactory.getLogger(DemoBackends.class);

    private final Map<Key, EchoServer> running = new HashMap<>();

    /** Starts the demo backends the snapshot asks for and stops those it no longer does. */
    public synchronized void reconcile(ClusterSnapshot snapshot) {
        Set<Key> wanted = new LinkedHashSet<>();
        for (var s : snapshot.ofType(Pod.class)) {
            Pod pod = s.object();
            var ann = pod.getMetadata().getAnnotations();
            if (ann == null || !"true".equals(ann.get(ANNOTATION)) || pod.getStatus() == null) {
                continue;
            }
            for (String ip : podIps(pod)) {
                for (Container c : pod.getSpec().getContainers()) {
                    for (ContainerPort p : c.getPorts() == null ? java.util.List.<ContainerPort>of() : c.getPorts()) {
                        wanted.add(new Key(ip, p.getContainerPort(), pod.getMetadata().getName()));
                    }
                }
            }
        }
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().close();
                it.remove();
            }
        }
        for (Key k : wanted) {
            if (!running.containsKey(k)) {
                try {
                    running.put(k, EchoServer.start(new InetSocketAddress(IpLiterals.of(k.ip()), k.port()), k.name()));
                    log.info("demo backend {} listening on {}:{}", k.name(), k.ip(), k.port());
                } catch (RuntimeException e) {
                    log.warn("demo backend {} on {}:{} failed to start: {}", k.name(), k.ip(), k.port(), e.getMessage());
                }
            }
        }
    }

    private static Set<String> podIps(Pod pod) {
        Set<String> ips = new HashSet<>();
        if (pod.getStatus().getPodIP() != null) {
            ips.add(pod.getStatus().getPodIP());
        }
        if (pod.getStatus().getPodIPs() != null) {
            pod.getStatus().getPodIPs().stream().map(PodIP::getIp).forEach(ips::add);
        }
        return ips;
    }

    @Override
    public synchronized void close() {
        running.values().forEach(EchoServer::close);
        running.clear();
    }

    private record Key(String ip, int port, String name) {
    }
}
