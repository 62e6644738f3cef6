package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.SourcedObject;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Warning for every object of a snapshot that Kubeway reads and does not act on: kinds it does not serve
 * (workloads, NetworkPolicy, ConfigMap, Gateway API, other MetalLB kinds, anything unknown), served kinds under an
 * apiVersion it does not read, and Pods without an address. The EventRecorder turns each into one event that lasts
 * while the object does.
 *
 * <p>Served, hence silent here: v1 Service, Pod, Endpoints, Node, Secret; discovery.k8s.io/v1 EndpointSlice;
 * networking.k8s.io/v1 Ingress and IngressClass (an Ingress of another class is reported by the Ingress
 * translation); metallb.io/v1beta1 IPAddressPool. Also silent: Namespaces (every namespace exists implicitly, so a
 * Namespace object asks for nothing Kubeway leaves undone) and Secrets no Ingress references (a Secret asks for
 * nothing by itself; whatever uses it, a workload or an Ingress, is reported when it is not served, and folders of
 * manifests hold many Secrets whose events would crowd out the ones that matter).
 */
final class UnservedObjects {
    static final String NOT_SERVED = "NotServed";
    static final String NO_ADDRESS = "NoAddress";

    private static final Set<Class<?>> SERVED = Set.of(Service.class, Pod.class, Endpoints.class, Node.class,
            Secret.class, EndpointSlice.class, Ingress.class, IngressClass.class, Namespace.class);
    /** The apiVersion Kubeway reads for each kind it serves (fabric8 gives other versions other classes). */
    private static final Map<String, String> SERVED_VERSIONS = Map.of("Service", "v1", "Pod", "v1", "Endpoints", "v1",
            "Node", "v1", "Secret", "v1", "Namespace", "v1", "EndpointSlice", "discovery.k8s.io/v1",
            "Ingress", "networking.k8s.io/v1", "IngressClass", "networking.k8s.io/v1",
            "IPAddressPool", Controller.METALLB_API);
    private static final Set<String> WORKLOADS = Set.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
            "ReplicationController", "Job", "CronJob");
    private static final String WORKLOAD = "Kubeway does not run workloads: give the Service Pods with status.podIP, "
            + "or an EndpointSlice";

    /** ConfigMaps another stage reads (the controller ConfigMap). */
    private final Set<NamespacedName> readConfigMaps;
    private @Nullable ClusterSnapshot last;

    UnservedObjects() {
        this(Set.of());
    }

    UnservedObjects(Set<NamespacedName> readConfigMaps) {
        this.readConfigMaps = Set.copyOf(readConfigMaps);
    }
    private List<Problem> problems = List.of();

    /** The problems of a snapshot; the same snapshot (a periodic resync) is not walked again. */
    List<Problem> of(ClusterSnapshot snap) {
        if (snap != last) {
            List<Problem> out = new ArrayList<>();
            for (SourcedObject o : snap.objects()) {
                String why = o.object() instanceof io.fabric8.kubernetes.api.model.ConfigMap
                        && readConfigMaps.contains(NamespacedName.of(o.object())) ? null : why(o.object());
                if (why != null) {
                    String reason = o.object() instanceof Pod ? NO_ADDRESS : NOT_SERVED;
                    out.add(Problem.warning(ObjectRef.of(o.object()), o.source(), reason, why));
                }
            }
            problems = List.copyOf(out);
            last = snap;
        }
        return problems;
    }

    /** Why Kubeway does not act on this object, or null when it does (or when it asks for nothing). */
    static @Nullable String why(HasMetadata o) {
        if (o instanceof Pod pod) return hasAddress(pod) ? null : "no address, so no endpoint: Kubeway does not run "
                + "Pods; set status.podIP (or status.podIPs) to where the backend listens";
        if (SERVED.contains(o.getClass())) return null;
        String kind = o.getKind() == null ? "" : o.getKind();
        String api = o.getApiVersion() == null ? "" : o.getApiVersion();
        if (o instanceof GenericKubernetesResource && api.equals(Controller.METALLB_API) && kind.equals("IPAddressPool")) {
            return null;
        }
        String group = api.contains("/") ? api.substring(0, api.indexOf('/')) : "";
        String served = SERVED_VERSIONS.get(kind);
        if (served != null && !served.equals(api)) {
            return "apiVersion " + api + " of " + kind + " is not served; Kubeway reads " + kind + " as " + served;
        }
        if (WORKLOADS.contains(kind)) return WORKLOAD;
        if (kind.equals("NetworkPolicy")) {
            return "NetworkPolicy is not enforced: Kubeway does not filter traffic to endpoints; every client that "
                    + "reaches a Service reaches its backends";
        }
        if (kind.equals("ConfigMap")) {
            return "Kubeway reads only the controller ConfigMap named by --configmap (ingress-nginx's settings, see "
                    + "docs/annotations.md); this one is not read";
        }
        if (group.equals("gateway.networking.k8s.io")) {
            return "the Gateway API is not supported yet; use networking.k8s.io/v1 Ingress";
        }
        if (group.equals("metallb.io")) {
            return "Kubeway reads only MetalLB's " + Controller.METALLB_API + " IPAddressPool; LoadBalancer IPs are "
                    + "bound on this machine, not announced by ARP or BGP, so " + kind + " has no effect";
        }
        return "kind " + kind + " (apiVersion " + api + ") is not served by Kubeway; ignored";
    }

    private static boolean hasAddress(Pod pod) {
        PodStatus st = pod.getStatus();
        if (st == null) return false;
        if (st.getPodIPs() == null || st.getPodIPs().isEmpty()) return IpLiterals.parse(st.getPodIP()) != null;
        // as the EndpointSlice controller reads them: podIPs when present, else podIP
        for (PodIP ip : st.getPodIPs()) {
            if (ip != null && IpLiterals.parse(ip.getIp()) != null) return true;
        }
        return false;
    }
}
