package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
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
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ingress-nginx's {@code --tcp-services-configmap} / {@code --udp-services-configmap}: each entry
 * {@code "9000": "ns/svc:port"} exposes a Service port on the Ingress listeners' addresses at port 9000, as an L4
 * listener of the proxy data plane whose endpoints are the Service's (EndpointSlices, kube-proxy's choice). A bad
 * entry gets one Warning naming the ConfigMap and key, and the others are served. The first {@code :PROXY}
 * requires a PROXY protocol header (v1 or v2) from each client, which names the client; the second sends a PROXY
 * v1 header to the backend, as ingress-nginx documents.
 */
public final class ExposedServices {
    static final String INVALID = "InvalidServiceEntry";
    /** ingress-nginx's value: namespace/name:port[:PROXY][:PROXY]. */
    private static final Pattern ENTRY = Pattern.compile("([a-z0-9.-]+)/([a-z0-9.-]+):([A-Za-z0-9-]+)((?::[A-Za-z]*){0,2})");

    private ExposedServices() {
    }

    /**
     * The listeners of {@code cm} (null: none, and a Warning that it does not exist).
     *
     * @param addresses the Ingress listeners' addresses, where every entry listens
     * @param taken     ports the Ingress listeners use: an entry on one of them is refused
     */
    public static Map<ListenKey, L4Listener> listeners(NamespacedName name, @Nullable ConfigMap cm,
                                                       @Nullable String source, Protocol protocol,
                                                       Set<InetAddress> addresses, Set<Integer> taken,
                                                       List<Service> services,
                                                       Map<NamespacedName, List<EndpointSlice>> slices,
                                                       String nodeName, List<Problem> problems) {
        ObjectRef ref = ObjectRef.of("ConfigMap", name);
        String flag = protocol == Protocol.UDP ? "--udp-services-configmap" : "--tcp-services-configmap";
        if (cm == null) {
            problems.add(Problem.warning(ref, source, ControllerConfigMap.MISSING, "ConfigMap " + name + " (" + flag
                    + ") does not exist; no " + protocol + " services are exposed"));
            return Map.of();
        }
        Map<NamespacedName, Service> byName = new java.util.HashMap<>();
        services.forEach(s -> byName.put(NamespacedName.of(s), s));
        Map<ListenKey, L4Listener> out = new TreeMap<>();
        Map<String, String> data = cm.getData() == null ? Map.of() : new TreeMap<>(cm.getData());
        for (Map.Entry<String, String> e : data.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            String why = entry(key, value, protocol, addresses, taken, byName, slices, nodeName, out);
            if (why != null) {
                problems.add(Problem.warning(ref, source, INVALID, "ConfigMap " + name + " (" + flag + "): key "
                        + key + " (\"" + value + "\"): " + why + "; this entry is not served"));
            }
        }
        return out;
    }

    /** Adds the listeners of one entry to {@code out}; returns why it cannot be served, or null. */
    private static @Nullable String entry(String key, String value, Protocol protocol, Set<InetAddress> addresses,
                                          Set<Integer> taken, Map<NamespacedName, Service> services,
                                          Map<NamespacedName, List<EndpointSlice>> slices, String nodeName,
                                          Map<ListenKey, L4Listener> out) {
        if (!key.matches("[0-9]{1,5}") || Integer.parseInt(key) < 1 || Integer.parseInt(key) > 65535) {
            return "the key must be a port number (1-65535)";
        }
        int listenPort = Integer.parseInt(key);
        if (taken.contains(listenPort)) return "port " + listenPort + " is an Ingress listener's";
        Matcher m = ENTRY.matcher(value);
        if (!m.matches()) return "not namespace/service:port[:PROXY][:PROXY]";
        String[] flags = m.group(4).isEmpty() ? new String[0] : m.group(4).substring(1).split(":", -1);
        for (String f : flags) {
            if (!f.equals("PROXY") && !f.isEmpty()) return "\"" + f + "\" is not PROXY";
        }
        boolean decode = flags.length > 0 && flags[0].equals("PROXY");
        boolean send = flags.length > 1 && flags[1].equals("PROXY");
        if ((decode || send) && protocol == Protocol.UDP) return "the PROXY protocol is for TCP entries";
        NamespacedName nn = new NamespacedName(m.group(1), m.group(2));
        Service svc = services.get(nn);
        if (svc == null) return "service " + nn + " not found";
        if ("ExternalName".equals(svc.getSpec().getType())) return "service " + nn + " is of type ExternalName";
        ServicePort port = null;
        for (ServicePort p : svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
            boolean match = m.group(3).matches("[0-9]+") ? Integer.valueOf(m.group(3)).equals(p.getPort())
                    : m.group(3).equals(p.getName());
            // one port number may be both TCP and UDP: the entry's protocol picks
            if (match && (port == null || Protocol.parse(p.getProtocol()) == protocol)) port = p;
        }
        if (port == null) return "service " + nn + " has no port " + m.group(3);
        if (Protocol.parse(port.getProtocol()) != protocol) {
            return "service " + nn + " port " + m.group(3) + " is " + port.getProtocol() + ", not " + protocol;
        }
        String portName = port.getName() == null ? "" : port.getName();
        List<Endpoint> eps = EndpointSelection.usable(slices.getOrDefault(nn, List.of()), portName, protocol, false,
                nodeName);
        ServicePortName spn = new ServicePortName(nn, portName.isEmpty() ? String.valueOf(port.getPort()) : portName,
                protocol);
        Cluster cluster = new Cluster(spn.toString() + "/exposed", eps, 0);
        for (InetAddress a : new LinkedHashSet<>(addresses)) {
            ListenKey k = new ListenKey(a, listenPort, protocol);
            out.put(k, new L4Listener(k, spn, protocol == Protocol.UDP ? "IngressUDP" : "IngressTCP", cluster,
                    List.of(), decode, send));
        }
        return null;
    }
}
