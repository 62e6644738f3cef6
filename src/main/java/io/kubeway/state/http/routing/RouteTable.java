package io.kubeway.state.http.routing;

import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.Respond;
import io.kubeway.state.http.Router;
import org.jspecify.annotations.Nullable;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * The Ingress router: an immutable {@link RouteConfig} with its matchers built once (exact hosts in a hash map,
 * wildcard hosts by their parent domain, regexes compiled, routes in precedence order), so that
 * {@link #route} does no compiling or sorting and allocates little. Equal by content: an unchanged table is not
 * swapped by the data plane.
 *
 * <p>A request is routed as ingress-nginx routes it, with the Kubernetes Ingress spec's matching:
 * <ol>
 *   <li>The controller ConfigMap's {@link GlobalRules} (block-cidrs, block-user-agents, block-referers: 403; a
 *       restricting key that cannot be honoured: 503) before anything else.</li>
 *   <li>Host: the Host header without port (and without a trailing dot), case-insensitive. An exact host wins,
 *       then a wildcard {@code *.foo.com} matching exactly one more label, then the rules without host; a host
 *       none of them names gets the {@linkplain RouteConfig#defaultRoute default route}.</li>
 *   <li>Path: normalised as nginx does (percent-decoding, merged slashes, dot segments; malformed paths get 400),
 *       then matched against the host's routes in precedence order (see {@link CompiledHost}).</li>
 *   <li>No fall-through: when a host is found but none of its paths matches, the host's own
 *       {@linkplain VirtualHost#fallback fallback} answers (its default backend, usually 404); the request never
 *       moves on to a wildcard host or the rules without host, exactly like an nginx {@code server} whose
 *       locations do not match.</li>
 *   <li>Client certificates ({@link ClientCertChecks}) of a host with {@link VirtualHost#clientAuth}: over TLS
 *       checked before anything else, as nginx does; over plain HTTP after the route's HTTPS redirect.</li>
 *   <li>{@code app-root}: a request for exactly {@code /} on a host with one is redirected (302) first.</li>
 *   <li>The route's policy then decides (see {@link CompiledRoute#decide}).</li>
 * </ol>
 */
public final class RouteTable implements Router {
    private static final Respond BAD_REQUEST = new Respond("-", 400, Map.of(), "400 Bad Request");

    private final RouteConfig config;
    private final RandomGenerator random;
    private final Map<String, CompiledHost> exactHosts = new HashMap<>();
    private final Map<String, CompiledHost> wildcardHosts = new HashMap<>();
    private final @Nullable CompiledHost anyHost;
    private final CompiledRoute defaultRoute;
    private final String httpsPortSuffix;
    private final @Nullable GlobalChecks globals;
    private final int hash;

    /** A table whose canary weights draw from {@link ThreadLocalRandom}. */
    public RouteTable(RouteConfig config) {
        this(config, ThreadLocalRandomGenerator.INSTANCE);
    }

    /**
     * A table with an injected random source for canary weights.
     *
     * @param random shared by every thread that routes; must be thread-safe
     * @throws IllegalArgumentException if the config cannot be compiled (an invalid regex, CIDR or hash template)
     */
    public RouteTable(RouteConfig config, RandomGenerator random) {
        this(config, random, null);
    }

    /**
     * {@code config} compiled, reusing {@code previous}'s compiled hosts whose {@link VirtualHost} is the same
     * instance: when an EndpointSlice change replaces the clusters of a few hosts, only those are compiled and hashed
     * again. Equal to {@code new RouteTable(config)}.
     */
    public static RouteTable derive(RouteTable previous, RouteConfig config) {
        return new RouteTable(config, previous.random, previous);
    }

    private RouteTable(RouteConfig config, RandomGenerator random, @Nullable RouteTable previous) {
        this.config = requireNonNull(config, "config");
        this.random = requireNonNull(random, "random");
        this.defaultRoute = new CompiledRoute(config.defaultRoute());
        CompiledHost any = null;
        int hosts = 1;
        for (VirtualHost vh : config.hosts()) {
            CompiledHost h = previous == null ? null : previous.compiled(vh);
            if (h == null || vh.host().isEmpty()) {
                // The rules without host are nginx's default server: what they do not match gets the default route.
                ClientCertChecks certs = vh.clientAuth() == null ? null : new ClientCertChecks(vh.clientAuth());
                CompiledRoute fallback = vh.host().isEmpty() ? defaultRoute : new CompiledRoute(vh.fallback(), certs);
                h = new CompiledHost(vh, fallback, certs);
            }
            hosts = 31 * hosts + h.hash;
            if (vh.host().isEmpty()) {
                any = h;
            } else if (vh.host().startsWith("*.")) {
                wildcardHosts.put(vh.host().substring(2), h);
            } else {
                exactHosts.put(vh.host(), h);
            }
        }
        this.anyHost = any;
        this.httpsPortSuffix = config.httpsPort() == 443 ? "" : ":" + config.httpsPort();
        this.globals = GlobalChecks.of(config.globals());
        // the hosts' hashes as computed once per compiled host, then the rest of the config
        this.hash = 31 * (31 * (31 * hosts + config.defaultRoute().hashCode()) + config.httpsPort())
                + config.globals().hashCode();
    }

    /** The compiled host of exactly this {@link VirtualHost} instance, or null. */
    private @Nullable CompiledHost compiled(VirtualHost vh) {
        CompiledHost h = vh.host().isEmpty() ? anyHost : vh.host().startsWith("*.")
                ? wildcardHosts.get(vh.host().substring(2)) : exactHosts.get(vh.host());
        return h != null && h.host == vh ? h : null;
    }

    @Override
    public Set<String> ingresses() {
        Set<String> names = new TreeSet<>();
        names.add(config.defaultRoute().ingress());
        for (VirtualHost vh : config.hosts()) {
            names.add(vh.fallback().ingress());
            if (vh.appRoot() != null) names.add(vh.appRoot().ingress());
            for (Route r : vh.routes()) names.add(r.ingress());
        }
        return Collections.unmodifiableSet(names);
    }

    /** An empty table: everything gets the built-in 404. */
    public static RouteTable empty() {
        return new RouteTable(RouteConfig.empty());
    }

    public RouteConfig config() {
        return config;
    }

    @Override
    public RouteDecision route(RequestView request) {
        String path = RequestPaths.normalize(request.path());
        if (path == null) return BAD_REQUEST;
        if (globals != null) {
            Respond refused = globals.refuse(request);
            if (refused != null) return refused;
        }
        String hostKey = hostKey(request.host());
        CompiledHost host = findHost(hostKey);
        if (host == null) return defaultRoute.decide(request, path, false, this);
        if (host.certs != null && request.tls()) { // nginx checks the certificate before anything else
            Respond refused = host.certs.beforeRouting(request, hostKey);
            if (refused != null) return refused;
        }
        VirtualHost.AppRoot appRoot = host.host.appRoot();
        if (appRoot != null && path.equals("/")) return appRootRedirect(appRoot, request);
        CompiledRoute route = host.match(path);
        return (route != null ? route : host.fallback).decide(request, path, host.host.tls(), this);
    }

    private @Nullable CompiledHost findHost(String host) {
        CompiledHost h = exactHosts.get(host);
        if (h != null) return h;
        int dot = host.indexOf('.');
        if (dot > 0 && !wildcardHosts.isEmpty()) {
            h = wildcardHosts.get(host.substring(dot + 1));
            if (h != null) return h;
        }
        return anyHost;
    }

    /** The Host without port or trailing dot, lower-case; returns the same instance when already so. */
    static String hostKey(@Nullable String host) {
        if (host == null) return "";
        int end = host.length();
        if (!host.isEmpty() && host.charAt(0) == '[') {
            int rb = host.indexOf(']');
            if (rb > 0) end = rb + 1;
        } else {
            int colon = host.indexOf(':');
            // One colon is a port; several are a bare IPv6 literal.
            if (colon >= 0 && host.indexOf(':', colon + 1) < 0) end = colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') end--;
        boolean lower = true;
        for (int i = 0; i < end && lower; i++) {
            char c = host.charAt(i);
            lower = c < 'A' || c > 'Z';
        }
        String s = end == host.length() ? host : host.substring(0, end);
        return lower ? s : s.toLowerCase(Locale.ROOT);
    }

    /** {@code https://host[:port]/path?query} for the HTTP to HTTPS redirect, or null without a Host. */
    @Nullable String httpsLocation(RequestView req) {
        String host = hostKey(req.host());
        if (host.isEmpty()) return null;
        if (host.indexOf(':') >= 0 && host.charAt(0) != '[') host = "[" + host + "]";
        String q = req.query();
        return "https://" + host + httpsPortSuffix + req.path() + (q == null ? "" : "?" + q);
    }

    /** ingress-nginx: {@code return 302 $scheme://$http_host<app-root>}; relative when there is no Host. */
    private static Respond appRootRedirect(VirtualHost.AppRoot appRoot, RequestView req) {
        String hostHeader = req.header("host");
        if (hostHeader == null || hostHeader.isEmpty()) hostHeader = req.host();
        String location = hostHeader == null || hostHeader.isEmpty() ? appRoot.path()
                : (req.tls() ? "https://" : "http://") + hostHeader + appRoot.path();
        return new Respond(appRoot.ingress(), 302, Map.of("Location", location), "");
    }

    /** The HSTS response headers for TLS hosts, empty when off. */
    Map<String, String> hsts() {
        return globals == null ? Map.of() : globals.hsts();
    }

    RandomGenerator random() {
        return random;
    }

    /** A readable, stable rendering of the whole table (hosts, routes in precedence order, policies, endpoints). */
    public String dump() {
        return RouteDump.render(this);
    }

    Map<String, CompiledHost> exactHosts() {
        return exactHosts;
    }

    Map<String, CompiledHost> wildcardHosts() {
        return wildcardHosts;
    }

    @Nullable CompiledHost anyHost() {
        return anyHost;
    }

    CompiledRoute defaultRoute() {
        return defaultRoute;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof RouteTable t && t.hash == hash && t.config.equals(config));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "RouteTable[" + config.hosts().size() + " hosts]";
    }

    /**
     * {@link ThreadLocalRandom} behind the {@link RandomGenerator} interface, fetched per call so that each event
     * loop thread draws from its own generator.
     */
    private static final class ThreadLocalRandomGenerator implements RandomGenerator {
        static final ThreadLocalRandomGenerator INSTANCE = new ThreadLocalRandomGenerator();

        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }
    }
}
