package io.kubeway.admission;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ClusterSnapshot.Sourced;
import io.kubeway.translate.service.ServiceSupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    @Override
    public Admitted admit(ClusterSnapshot snap) {
        List<Service> services = new ArrayList<>();
        Map<NamespacedName, String> sources = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (Sourced<Service> s : snap.ofType(Service.class)) {
            Service svc = s.object();
            if (svc.getMetadata().getLabels() != null && svc.getMetadata().getLabels().containsKey(SERVICE_PROXY_NAME)) {
                continue;
            }
            NamespacedName nn = NamespacedName.of(svc);
            if (s.source() != null) {
                sources.put(nn, s.source());
            }
            services.add(svc);
            problems.addAll(ServiceSupport.unsupported(svc, s.source()));
        }
        List<EndpointSlice> slices = snap.ofType(EndpointSlice.class).stream().map(Sourced::object).toList();
        return new Admitted(services, sources, slices, problems);
    }
}
