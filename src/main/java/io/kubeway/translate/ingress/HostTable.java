package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.state.http.routing.Canary;
import io.kubeway.state.http.routing.PathMatch;
import io.kubeway.state.http.routing.Route;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.state.http.routing.VirtualHost;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The Ingresses' rules merged by host, as ingress-nginx merges them into servers. Ingresses are added oldest
 * first, so on the same host and the same path (same match kind, same path once a Prefix's trailing slash is
 * dropped) the oldest keeps it and the younger gets a Conflict warning naming it. Canary Ingresses are added last
 * and attach to the non-canary route with the same host, pathType and path.
 *
 * <p>Paths: Exact is exact; Prefix is element-wise; ImplementationSpecific is Prefix (an empty path is {@code /}).
 * Under {@code use-regex} or {@code rewrite-target} (ingress-nginx's regex mode, per Ingress here rather than per
 * host), Prefix and ImplementationSpecific paths are case-insensitive regexes anchored at the start; Exact stays
 * exact. The affinity cookie's path defaults to the rule's path ({@code /} for regexes).
 */
final class HostTable {
    private final BackendResolver backends;
    private final GlobalAuth auth;
    private final Map<String, HostDraft> hosts = new LinkedHashMap<>();

    /** What a host collects while Ingresses are added. */
    private static final class HostDraft {
        final String host;
        final Map<String, RouteDraft> routes = new LinkedHashMap<>();
        final List<IngressEntry> ingresses = new ArrayList<>();
        VirtualHost.@Nullable AppRoot appRoot;

        HostDraft(String host) {
            this.host = host;
        }
    }

    /** A route before its canary is known. */
    private static final class RouteDraft {
        final IngressEntry owner;
        final Route route;
        final String pathType;
        final String specPath;
        @Nullable Canary canary;
        @Nullable IngressEntry canaryOwner;

        RouteDraft(IngressEntry owner, Route route, String pathType, String specPath) {
            this.owner = owner;
            this.route = route;
            this.pathType = pathType;
            this.specPath = specPath;
        }
    }

    HostTable(BackendResolver backends) {
        this(backends, GlobalAuth.NONE);
    }

    /** @param auth the controller ConfigMap's global auth, for its no-auth locations */
    HostTable(BackendResolver backends, GlobalAuth auth) {
        this.backends = backends;
        this.auth = auth;
    }

    /** Adds a non-canary Ingress's rules; call oldest first. */
    void add(IngressEntry e) {
        IngressAnnotations.Parsed a = e.annotations();
        for (IngressRule rule : rules(e)) {
            String host = host(rule);
            HostDraft h = hosts.computeIfAbsent(host, HostDraft::new);
            h.ingresses.add(e);
            // a closed Ingress redirects nowhere: its routes answer 503 and nothing else
            if (a.appRoot() != null && a.policy().denied() == null && h.appRoot == null) {
                h.appRoot = new VirtualHost.AppRoot(e.name(), a.appRoot());
            }
            if (rule.getHttp() == null || rule.getHttp().getPaths() == null) continue;
            for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                PathMatch match = match(e, p);
                if (match == null) continue;
                String key = match.kind() + " " + (match.kind() == PathMatch.Kind.PREFIX ? match.prefixKey()
                        : match.path());
                RouteDraft existing = h.routes.get(key);
                if (existing != null) {
                    e.warn("Conflict", "path " + p.getPathType() + " \"" + str(p.getPath()) + "\" of " + describe(host)
                            + " is already served by Ingress " + existing.owner.name()
                            + (existing.owner == e ? " (an earlier path of it)" : "") + "; ignored here");
                    continue;
                }
                Backend backend = UpstreamPolicyAnnotations.orDefault(backends.resolve(e.namespace(), p.getBackend(),
                        a.protocol(), a.upstream(), e::warn), a.policy());
                RoutePolicy policy = policy(a, match);
                if (auth.exempt(str(p.getPath()))) policy = auth.exempt(policy);
                if (host.isEmpty() && a.clientAuth() != null) policy = withoutHost(e, policy);
                Route route = new Route(e.name(), str(rule.getHost()), match, backend, null, policy);
                h.routes.put(key, new RouteDraft(e, route, p.getPathType(), specPath(p)));
            }
        }
    }

    /**
     * A route of the rules without host of an Ingress with client certificates: closed. A client certificate is
     * asked for by TLS server name, and those rules have none (ingress-nginx would put them on its default server).
     */
    private static RoutePolicy withoutHost(IngressEntry e, RoutePolicy p) {
        e.warn(AnnotationReader.UNSUPPORTED, "client certificates (auth-tls-*) need a host: the rules without host "
                + "answer 503 (fail closed)");
        return p.toBuilder().denied("auth-tls-secret: rules without host").build();
    }

    /**
     * A route of {@code e} on a host whose client authentication is another Ingress's: closed unless {@code e}
     * asks for none or for the same (ingress-nginx configures the server from the first Ingress and ignores the
     * others' auth-tls silently).
     */
    private static RoutePolicy clientAuthOf(IngressEntry e, @Nullable IngressEntry hostOwner, String host,
                                            RoutePolicy p) {
        ClientAuth asked = e.annotations().clientAuth();
        if (asked == null || hostOwner == null || asked.equals(hostOwner.annotations().clientAuth())) return p;
        e.warn("Conflict", "client certificates of host \"" + host + "\" are already configured by Ingress "
                + hostOwner.name() + " (" + hostOwner.annotations().clientAuth() + "); this Ingress's differ, so its "
                + "routes there answer 503 (fail closed)");
        return p.toBuilder().denied("auth-tls-*: differs from " + hostOwner.name()).build();
    }

    /** Attaches a canary Ingress's paths to the matching routes; call after every non-canary Ingress. */
    void addCanary(IngressEntry e) {
        IngressAnnotations.CanarySpec c = e.annotations().canary();
        if (e.ingress().getSpec().getDefaultBackend() != null) {
            e.warn(AnnotationReader.UNSUPPORTED, "the defaultBackend of a canary Ingress is not supported by "
                    + "kubeway; ignored");
        }
        for (IngressRule rule : rules(e)) {
            String host = host(rule);
            if (rule.getHttp() == null || rule.getHttp().getPaths() == null) continue;
            for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                HostDraft h = hosts.get(host);
                RouteDraft target = h == null ? null : h.routes.values().stream()
                        .filter(r -> r.pathType.equals(p.getPathType()) && r.specPath.equals(specPath(p)))
                        .findFirst().orElse(null);
                String what = "canary path " + p.getPathType() + " \"" + str(p.getPath()) + "\" of " + describe(host);
                if (target == null) {
                    e.warn("CanaryWithoutMain", what + " matches no path of a non-canary Ingress; ignored");
                    continue;
                }
                if (target.canaryOwner != null && target.canaryOwner != e) {
                    e.warn("Conflict", what + " already has canary Ingress " + target.canaryOwner.name()
                            + "; ignored here");
                    continue;
                }
                Backend backend = backends.resolve(e.namespace(), p.getBackend(),
                        target.owner.annotations().protocol(), target.owner.annotations().upstream(), e::warn);
                String closed = closedCanary(e, target.owner, what);
                if (closed != null) backend = new Backend.Unavailable(closed);
                target.canaryOwner = e;
                target.canary = new Canary(e.name(), backend, c.header(), c.headerValue(), c.headerPattern(),
                        c.cookie(), c.weight(), c.weightTotal());
            }
        }
    }

    /**
     * Why a canary's backend must never be used, or null. ingress-nginx sends a canary's requests through the main
     * Ingress's location, with the main Ingress's access rules: a canary's own restrictions are not applied. So a
     * canary that restricts differently (its own source ranges, or a restriction Kubeway cannot honour, already
     * reported when its annotations were read) fails closed: its backend is never used and the main route serves.
     */
    private static @Nullable String closedCanary(IngressEntry canary, IngressEntry main, String what) {
        RoutePolicy c = canary.annotations().policy();
        RoutePolicy m = main.annotations().policy();
        if (c.denied() != null) return "canary closed: " + c.denied();
        ClientAuth ca = canary.annotations().clientAuth();
        if (ca != null && !ca.equals(main.annotations().clientAuth())) {
            canary.warn(AnnotationReader.UNSUPPORTED, what + ": the canary's client certificates (auth-tls-*) differ "
                    + "from those of Ingress " + main.name() + ", and a canary takes its main Ingress's access rules; "
                    + "requests are never sent to this canary's backend (fail closed)");
            return "canary closed: client certificates differ from " + main.name();
        }
        boolean sameRanges = Set.copyOf(c.allowSourceRanges()).equals(Set.copyOf(m.allowSourceRanges()))
                && Set.copyOf(c.denySourceRanges()).equals(Set.copyOf(m.denySourceRanges()));
        if (sameRanges && Objects.equals(c.auth(), m.auth())) return null;
        if (sameRanges) {
            canary.warn(AnnotationReader.UNSUPPORTED, what + ": the canary's authentication differs from that of "
                    + "Ingress " + main.name() + ", and a canary takes its main Ingress's access rules (as in "
                    + "ingress-nginx); requests are never sent to this canary's backend (fail closed)");
            return "canary closed: authentication differs from " + main.name();
        }
        canary.warn(AnnotationReader.UNSUPPORTED, what + ": the canary's source ranges differ from those of "
                + "Ingress " + main.name() + ", and a canary takes its main Ingress's access rules (as in "
                + "ingress-nginx); requests are never sent to this canary's backend (fail closed)");
        return "canary closed: source ranges differ from " + main.name();
    }

    /** The hosts named by the rules of every Ingress added (for TLS). */
    static Set<String> ruleHosts(IngressEntry e) {
        Set<String> out = new LinkedHashSet<>();
        rules(e).forEach(r -> out.add(host(r)));
        return out;
    }

    /**
     * The virtual hosts. A host's fallback (paths that match nothing) is the {@code defaultBackend} of the oldest
     * of its Ingresses that has one, else {@code globalFallback}'s backend (the built-in 404 or
     * {@code --default-backend-service}); it runs under the network and transport parts of the policy of the
     * Ingress it comes from (or of the host's oldest Ingress): denied (an access restriction Kubeway cannot honour
     * closes it too, as ingress-nginx applies that Ingress's annotations to the server's root location), HTTPS
     * redirect, source ranges, authentication, body limit, timeouts.
     *
     * <p>A host's client certificates ({@link VirtualHost#clientAuth}) are those of its oldest Ingress with valid
     * {@code auth-tls-*}; routes of an Ingress asking for others are closed, and when an Ingress asked but its
     * annotations failed and no other sets them up, every route of the host is closed.
     */
    List<VirtualHost> build(Predicate<String> tls, Backend serviceDefault) {
        List<VirtualHost> out = new ArrayList<>();
        for (HostDraft h : hosts.values()) {
            // ingress-nginx: the server's client authentication is that of its oldest Ingress that has one
            IngressEntry authOwner = h.host.isEmpty() ? null : h.ingresses.stream()
                    .filter(i -> i.annotations().clientAuth() != null).findFirst().orElse(null);
            IngressEntry owner = h.ingresses.stream().filter(i -> i.defaultBackend() != null).findFirst().orElse(null);
            Route fallback = owner != null
                    ? new Route(owner.name(), h.host, PathMatch.prefix("/"), owner.defaultBackend(), null,
                    fallbackPolicy(clientAuthOf(owner, authOwner, h.host, owner.annotations().policy())))
                    : new Route("-", h.host, PathMatch.prefix("/"), serviceDefault, null,
                    fallbackPolicy(h.ingresses.get(0).annotations().policy()));
            List<Route> routes = h.routes.values().stream().map(r -> new Route(r.route.ingress(), r.route.host(),
                    r.route.match(), r.route.backend(), r.canary,
                    clientAuthOf(r.owner, authOwner, h.host, r.route.policy()))).toList();
            IngressEntry failed = authOwner != null || h.host.isEmpty() ? null : h.ingresses.stream()
                    .filter(i -> i.annotations().clientAuth() == null && asksClientAuth(i)).findFirst().orElse(null);
            if (failed != null) {
                // The host would have had client certificates (a server-wide setting in ingress-nginx) but they
                // could not be set up: nothing on the host is served without them.
                String why = "auth-tls-*: client certificates of the host failed (" + failed.name() + ")";
                h.ingresses.stream().distinct().filter(i -> i != failed).forEach(i -> i.warn(AnnotationReader.INVALID, "client certificates "
                        + "of host \"" + h.host + "\" (Ingress " + failed.name() + ") cannot be set up, so every route "
                        + "of the host answers 503 (fail closed)"));
                routes = routes.stream().map(r -> new Route(r.ingress(), r.host(), r.match(), r.backend(),
                        r.canary(), r.policy().toBuilder().denied(why).build())).toList();
                fallback = new Route(fallback.ingress(), fallback.host(), fallback.match(), fallback.backend(), null,
                        fallback.policy().toBuilder().denied(why).build());
            }
            out.add(new VirtualHost(h.host, tls.test(h.host), h.appRoot, routes, fallback,
                    authOwner == null ? null : authOwner.annotations().clientAuth()));
        }
        return withAliases(out);
    }

    /** Each server-alias as a copy of its host ({@link ServerAliases}). */
    private List<VirtualHost> withAliases(List<VirtualHost> built) {
        List<IngressEntry> byAge = new ArrayList<>(new LinkedHashSet<>(hosts.values().stream()
                .flatMap(h -> h.ingresses.stream()).toList()));
        byAge.sort(IngressEntry.OLDEST_FIRST);
        Map<String, String> aliases = ServerAliases.collect(byAge, hosts.keySet());
        if (aliases.isEmpty()) return built;
        Map<String, VirtualHost> byHost = new LinkedHashMap<>();
        built.forEach(vh -> byHost.put(vh.host(), vh));
        List<VirtualHost> out = new ArrayList<>(built);
        aliases.forEach((alias, host) -> {
            VirtualHost vh = byHost.get(host);
            if (vh != null) out.add(new VirtualHost(alias, vh.tls(), vh.appRoot(), vh.routes(), vh.fallback(),
                    vh.clientAuth()));
        });
        return out;
    }

    /** Whether an Ingress has any client-certificate annotation (valid or not). */
    static boolean asksClientAuth(IngressEntry e) {
        java.util.Map<String, String> a = e.ingress().getMetadata().getAnnotations();
        return a != null && a.keySet().stream().anyMatch(k -> k.startsWith(AnnotationReader.NGINX + "auth-tls-")
                || k.startsWith(AnnotationReader.KUBEWAY + "auth-tls-"));
    }

    /** The part of a policy that applies to requests no path matched. */
    static RoutePolicy fallbackPolicy(RoutePolicy p) {
        return RoutePolicy.builder().denied(p.denied()).sslRedirect(p.sslRedirect()).forceSslRedirect(p.forceSslRedirect())
                .allowSourceRanges(p.allowSourceRanges()).denySourceRanges(p.denySourceRanges())
                .maxBodyBytes(p.maxBodyBytes()).timeouts(p.timeouts()).auth(p.auth()).build();
    }

    private static @Nullable PathMatch match(IngressEntry e, HTTPIngressPath p) {
        String path = specPath(p);
        boolean exact = "Exact".equals(p.getPathType());
        IngressAnnotations.Parsed a = e.annotations();
        if (a.regex() && (!exact || a.policy().rewriteTarget() != null)) {
            String err = PathMatch.regexError(path);
            if (err != null) {
                e.warn("InvalidPath", "path \"" + str(p.getPath()) + "\": " + err
                        + " (use-regex or rewrite-target makes paths regular expressions); ignored");
                return null;
            }
        }
        if (exact) return PathMatch.exact(path);
        return a.regex() ? PathMatch.regex(path) : PathMatch.prefix(path);
    }

    private static RoutePolicy policy(IngressAnnotations.Parsed a, PathMatch match) {
        AffinityAnnotations.Spec c = a.cookie();
        if (c == null) return a.policy();
        String path = c.path() != null ? c.path()
                : match.kind() == PathMatch.Kind.REGEX ? "/"
                : match.kind() == PathMatch.Kind.PREFIX ? match.prefixKey() : match.path();
        return a.policy().toBuilder().affinity(c.cookie().withPath(path)).build();
    }

    private static List<IngressRule> rules(IngressEntry e) {
        List<IngressRule> rules = e.ingress().getSpec().getRules();
        return rules == null ? List.of() : rules;
    }

    private static String host(IngressRule r) {
        return str(r.getHost()).toLowerCase(Locale.ROOT);
    }

    private static String specPath(HTTPIngressPath p) {
        String path = str(p.getPath());
        return path.isEmpty() ? "/" : path;
    }

    private static String describe(String host) {
        return host.isEmpty() ? "the rules without host" : "host \"" + host + "\"";
    }

    private static String str(@Nullable String s) {
        return s == null ? "" : s;
    }
}
