package io.kubeway.state.http.routing;

import io.kubeway.state.http.ClientAuth;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * The routes of one host, merged from every Ingress with rules for it (nginx's {@code server}).
 *
 * @param host     {@code foo.com}, {@code *.foo.com} (exactly one more label) or {@code ""} (rules without host)
 * @param tls      the host is listed in some Ingress's {@code spec.tls}: plain HTTP requests are redirected to
 *                 HTTPS unless the route's policy says {@code ssl-redirect: "false"}
 * @param appRoot  where {@code /} redirects (302), or null
 * @param routes   in any order: the table orders them by precedence
 * @param fallback for requests whose path matches no route: the host's default backend. As in ingress-nginx,
 *                 such requests never fall through to a wildcard host or to the rules without host. Ignored
 *                 for host {@code ""}: what the rules without host do not match gets the table's default route.
 * @param clientAuth the host's client-certificate authentication, or null (never for host {@code ""}: a client
 *                 certificate belongs to a TLS server name)
 */
public record VirtualHost(String host, boolean tls, @Nullable AppRoot appRoot, List<Route> routes, Route fallback,
                          @Nullable ClientAuth clientAuth) {
    /** ingress-nginx's {@code app-root}: {@code /} answers 302 to {@code path}. */
    public record AppRoot(String ingress, String path) {
        public AppRoot {
            requireNonNull(ingress, "ingress");
            requireNonNull(path, "path");
        }
    }

    public VirtualHost {
        requireNonNull(host, "host");
        if (!host.equals(host.toLowerCase(Locale.ROOT))) throw new IllegalArgumentException("host " + host);
        if (host.startsWith("*") && !host.startsWith("*.")) throw new IllegalArgumentException("host " + host);
        routes = List.copyOf(routes);
        requireNonNull(fallback, "fallback");
        if (clientAuth != null && host.isEmpty()) throw new IllegalArgumentException("client auth without host");
    }

    /** A host without client-certificate authentication. */
    public VirtualHost(String host, boolean tls, @Nullable AppRoot appRoot, List<Route> routes, Route fallback) {
        this(host, tls, appRoot, routes, fallback, null);
    }
}
