package io.kubeway.state.http.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The content of a {@link RouteTable}: a plain value, compared by content.
 *
 * @param hosts        one entry per distinct host (exact, wildcard, or {@code ""} for rules without host)
 * @param defaultRoute for hosts that match no entry, and for paths that match nothing among the rules without
 *                     host: an Ingress {@code defaultBackend}, {@code --default-backend-service}, or the built-in 404
 * @param httpsPort    the HTTPS listener's port, for HTTP to HTTPS redirects ({@code :port} is added unless 443)
 * @param globals      the controller ConfigMap's rules for every request (blocks, HSTS)
 */
public record RouteConfig(List<VirtualHost> hosts, Route defaultRoute, int httpsPort, GlobalRules globals) {
    /** No global rules. */
    public RouteConfig(List<VirtualHost> hosts, Route defaultRoute, int httpsPort) {
        this(hosts, defaultRoute, httpsPort, GlobalRules.NONE);
    }

    public RouteConfig {
        hosts = List.copyOf(hosts);
        requireNonNull(defaultRoute, "defaultRoute");
        requireNonNull(globals, "globals");
        if (httpsPort < 1 || httpsPort > 65535) throw new IllegalArgumentException("httpsPort " + httpsPort);
        Set<String> seen = new HashSet<>();
        for (VirtualHost h : hosts) {
            if (!seen.add(h.host())) throw new IllegalArgumentException("duplicate host \"" + h.host() + "\"");
        }
    }

    /** Nothing but the built-in 404. */
    public static RouteConfig empty() {
        return new RouteConfig(List.of(), Route.builtInDefault(), 443);
    }
}
