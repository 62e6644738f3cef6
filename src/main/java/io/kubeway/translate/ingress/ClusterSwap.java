package io.kubeway.translate.ingress;

import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.state.http.routing.Canary;
import io.kubeway.state.http.routing.Route;
import io.kubeway.state.http.routing.RouteConfig;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.state.http.routing.VirtualHost;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link HttpState} with some clusters replaced by others, by identity: what an EndpointSlice change does to the
 * Ingress translation when no route's choice depends on it (see {@link IncrementalIngressTranslator}). A cluster is
 * held by a route's backend, its canary's backend, its policy's {@code default-backend} and error pages, a host's
 * fallback, the default route and the passthrough hosts; a host none of whose routes holds a replaced cluster is kept
 * as it was, and so is its compiled form ({@link RouteTable#derive}).
 */
final class ClusterSwap {
    private final Map<HttpCluster, HttpCluster> replaced;

    /** @param replaced by identity (an {@link java.util.IdentityHashMap}) */
    ClusterSwap(Map<HttpCluster, HttpCluster> replaced) {
        this.replaced = replaced;
    }

    HttpState apply(HttpState s) {
        RouteTable table = (RouteTable) s.router();
        RouteConfig c = table.config();
        List<VirtualHost> hosts = new ArrayList<>(c.hosts().size());
        for (VirtualHost vh : c.hosts()) hosts.add(host(vh));
        RouteTable swapped = RouteTable.derive(table, new RouteConfig(hosts, route(c.defaultRoute()), c.httpsPort(),
                c.globals()));
        Map<String, HttpCluster> passthrough = s.passthrough();
        if (!passthrough.isEmpty()) {
            passthrough = new LinkedHashMap<>(passthrough);
            passthrough.replaceAll((host, cluster) -> cluster(cluster));
        }
        return new HttpState(s.http(), s.https(), swapped, s.certificates(), s.defaultCertificate(), s.clientAuth(),
                passthrough, s.edge());
    }

    private VirtualHost host(VirtualHost vh) {
        List<Route> routes = null;
        for (int i = 0; i < vh.routes().size(); i++) {
            Route r = vh.routes().get(i);
            Route n = route(r);
            if (n != r && routes == null) routes = new ArrayList<>(vh.routes().subList(0, i));
            if (routes != null) routes.add(n);
        }
        Route fallback = route(vh.fallback());
        if (routes == null && fallback == vh.fallback()) return vh;
        return new VirtualHost(vh.host(), vh.tls(), vh.appRoot(), routes == null ? vh.routes() : routes, fallback,
                vh.clientAuth());
    }

    private Route route(Route r) {
        Backend backend = backend(r.backend());
        Canary canary = r.canary();
        if (canary != null) {
            Backend b = backend(canary.backend());
            if (b != canary.backend()) {
                canary = new Canary(canary.ingress(), b, canary.header(), canary.headerValue(), canary.headerPattern(),
                        canary.cookie(), canary.weight(), canary.weightTotal());
            }
        }
        RoutePolicy policy = policy(r.policy());
        if (backend == r.backend() && canary == r.canary() && policy == r.policy()) return r;
        return new Route(r.ingress(), r.host(), r.match(), backend, canary, policy);
    }

    private RoutePolicy policy(RoutePolicy p) {
        UpstreamPolicy u = p.upstream();
        if (u == null) return p;
        HttpCluster whenNone = u.whenNoEndpoints() == null ? null : cluster(u.whenNoEndpoints());
        UpstreamPolicy.ErrorPages pages = u.errorPages();
        if (pages != null && pages.backend() != null && cluster(pages.backend()) != pages.backend()) {
            pages = new UpstreamPolicy.ErrorPages(pages.codes(), cluster(pages.backend()));
        }
        if (whenNone == u.whenNoEndpoints() && pages == u.errorPages()) return p;
        return p.toBuilder().upstream(new UpstreamPolicy(pages, u.nextUpstream(), whenNone, u.mirror(), u.ewma(),
                u.hashSubsetSize())).build();
    }

    private Backend backend(Backend b) {
        if (!(b instanceof Backend.Service s)) return b;
        HttpCluster c = cluster(s.cluster());
        return c == s.cluster() ? b : new Backend.Service(c);
    }

    private HttpCluster cluster(@Nullable HttpCluster c) {
        HttpCluster n = replaced.get(c);
        return n == null ? c : n;
    }
}
