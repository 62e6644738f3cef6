package io.kubeway.admission;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.ListChanges;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.translate.service.ServiceSupport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Admission in a cluster: the API server has defaulted, validated and allocated already, so Services are taken
 * as they are ({@code clusterIP(s)} and node ports whatever the range; nothing is re-allocated), and
 * EndpointSlices come from the API server's EndpointSlice controller. {@code status.loadBalancer} is what the
 * elected load-balancer controller wrote.
 *
 * <p>As kube-proxy, Services labelled {@code service.kubernetes.io/service-proxy-name} belong to another proxy
 * and are skipped (silently: they are not Kubeway's). Objects are used as the source hands them over: the
 * source keeps an unchanged object's instance, which is what the incremental stages downstream rely on.
 */
public final class ApiServerAdmission implements Admission {
    /** kube-proxy's label: a Service with it is served by the named proxy, not by the default one. */
    public static final String SERVICE_PROXY_NAME = "service.kubernetes.io/service-proxy-name";

    @Override
    public boolean derivesEndpointSlices() {
        return false; // the API server's EndpointSlice controller did
    }

    /** Per Service that has any: its unsupported-field problems (checked once per version of the Service). */
    private final Map<NamespacedName, List<Problem>> unsupported = new TreeMap<>();
    /** The Services another proxy serves (labelled {@value #SERVICE_PROXY_NAME}). */
    private final Set<NamespacedName> otherProxy = new HashSet<>();
    private List<Service> lastServices = List.of();
    private List<Service> admitted = List.of();
    private List<Problem> problems = List.of();

    /**
     * Admits the snapshot's Services by looking only at the ones that changed since the last call (a source keeps
     * unchanged objects' instances, see {@link ListChanges}); with no Service labelled for another proxy, the list
     * admitted is the snapshot's own list instance, which keeps the stages downstream incremental too.
     */
    @Override
    public Admitted admit(ClusterSnapshot snap) {
        List<Service> all = snap.objectsOf(Service.class);
        ListChanges<Service> changes = ListChanges.between(lastServices, all);
        lastServices = all;
        if (!changes.isEmpty()) {
            for (Service svc : changes.removed()) {
                NamespacedName nn = NamespacedName.of(svc);
                unsupported.remove(nn);
                otherProxy.remove(nn);
            }
            for (Service svc : changes.added()) {
                NamespacedName nn = NamespacedName.of(svc);
                if (svc.getMetadata().getLabels() != null && svc.getMetadata().getLabels().containsKey(SERVICE_PROXY_NAME)) {
                    otherProxy.add(nn);
                    unsupported.remove(nn);
                    continue;
                }
                otherProxy.remove(nn);
                List<Problem> found = ServiceSupport.unsupported(svc, null);
                if (found.isEmpty()) unsupported.remove(nn);
                else unsupported.put(nn, List.copyOf(found));
            }
            admitted = otherProxy.isEmpty() ? all
                    : all.stream().filter(svc -> !otherProxy.contains(NamespacedName.of(svc))).toList();
            List<Problem> flat = new ArrayList<>();
            unsupported.values().forEach(flat::addAll);
            problems = List.copyOf(flat);
        }
        return new Admitted(admitted, Map.of(), snap.objectsOf(EndpointSlice.class), problems);
    }
}
