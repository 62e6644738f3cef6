package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ServicePort;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What the EndpointSlice controller reads from a Pod: {@code ShouldPodBeInEndpoints}, {@code IsPodReady},
 * the pod IPs and {@code FindPort} (k8s.io/endpointslice and pkg/api/v1/pod).
 */
final class PodFacts {
    private PodFacts() {
    }

    /**
     * {@code ShouldPodBeInEndpoints(pod, includeTerminating=true)}: not terminal (Succeeded/Failed) and has
     * an IP. Terminating pods stay in, flagged as terminating.
     */
    static boolean shouldBeInEndpoints(Pod pod) {
        PodStatus st = pod.getStatus();
        if (st == null) return false;
        if ("Succeeded".equals(st.getPhase()) || "Failed".equals(st.getPhase())) return false;
        boolean hasPodIp = st.getPodIP() != null && !st.getPodIP().isEmpty();
        boolean hasPodIps = st.getPodIPs() != null && !st.getPodIPs().isEmpty();
        return hasPodIp || hasPodIps;
    }

    /**
     * Kubernetes' {@code IsPodReady}: the Ready condition is {@code "True"}. Kubeway difference: a pod whose
     * status has no conditions at all counts as ready, because standalone manifests have no kubelet to
     * write them and a user who writes only {@code status.podIP} means "this backend is up". Once any
     * condition is present the Kubernetes rule applies unchanged (no Ready condition means not ready).
     */
    static boolean isReady(Pod pod) {
        PodStatus st = pod.getStatus();
        List<PodCondition> conditions = st == null ? null : st.getConditions();
        if (conditions == null || conditions.isEmpty()) return true;
        for (PodCondition c : conditions) {
            if ("Ready".equals(c.getType())) return "True".equals(c.getStatus());
        }
        return false;
    }

    /** {@code metadata.deletionTimestamp} is set. */
    static boolean isTerminating(Pod pod) {
        String ts = pod.getMetadata() == null ? null : pod.getMetadata().getDeletionTimestamp();
        return ts != null && !ts.isEmpty();
    }

    /**
     * The pod's IPs: {@code status.podIPs}, or {@code status.podIP} when the list is empty (the API server
     * keeps both in sync; hand-written manifests often set only podIP). Unparseable entries are skipped
     * (Kubernetes would publish them as the string "&lt;nil&gt;").
     */
    static List<InetAddress> ips(Pod pod) {
        PodStatus st = pod.getStatus();
        List<InetAddress> out = new ArrayList<>(2);
        if (st == null) return out;
        List<String> texts = new ArrayList<>(2);
        if (st.getPodIPs() != null && !st.getPodIPs().isEmpty()) {
            for (PodIP ip : st.getPodIPs()) texts.add(ip.getIp());
        } else {
            texts.add(st.getPodIP());
        }
        for (String t : texts) {
            InetAddress a = IpLiterals.parse(t);
            if (a != null) out.add(a);
        }
        return out;
    }

    /** A service port's protocol after defaulting (empty means TCP). */
    static String protocolOf(ServicePort sp) {
        return sp.getProtocol() == null || sp.getProtocol().isEmpty() ? "TCP" : sp.getProtocol();
    }

    /**
     * {@code FindPort}: a numeric targetPort is used as is (unset, 0 and "" default to {@code port}); a named
     * one is looked up among the ports of the pod's containers, then of its sidecars (init containers with
     * {@code restartPolicy: Always}), matching name and protocol. Empty when the pod has no such port.
     */
    static OptionalInt findPort(Pod pod, ServicePort sp) {
        IntOrString tp = sp.getTargetPort();
        Integer intVal = tp == null ? null : tp.getIntVal();
        String strVal = tp == null ? null : tp.getStrVal();
        if (intVal == null && (strVal == null || strVal.isEmpty()) || intVal != null && intVal == 0) {
            return sp.getPort() == null ? OptionalInt.empty() : OptionalInt.of(sp.getPort());
        }
        if (intVal != null) return OptionalInt.of(intVal);
        String protocol = protocolOf(sp);
        if (pod.getSpec() == null) return OptionalInt.empty();
        OptionalInt found = findNamed(pod.getSpec().getContainers(), strVal, protocol, false);
        if (found.isPresent()) return found;
        return findNamed(pod.getSpec().getInitContainers(), strVal, protocol, true);
    }

    private static OptionalInt findNamed(@Nullable List<Container> containers, String name, String protocol,
                                         boolean sidecarsOnly) {
        if (containers == null) return OptionalInt.empty();
        for (Container c : containers) {
            if (sidecarsOnly && !"Always".equals(c.getRestartPolicy())) continue;
            if (c.getPorts() == null) continue;
            for (ContainerPort p : c.getPorts()) {
                String pp = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
                if (name.equals(p.getName()) && protocol.equals(pp) && p.getContainerPort() != null) {
                    return OptionalInt.of(p.getContainerPort());
                }
            }
        }
        return OptionalInt.empty();
    }
}
