package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link VirtualHost} prepared for requests: its routes in precedence order, with an exact-path map and a
 * prefix list for the common case of a host without regex paths.
 *
 * <p>Precedence: the longer path first ({@link PathMatch#precedenceLength}); at equal length Exact, then Prefix,
 * then Regex; then ingress-nginx's tie-break (path text, descending); then the order given. The first route that
 * matches wins. For Exact and Prefix paths that is exactly the Ingress spec's rule (longest match, Exact before
 * Prefix); regex paths are ordered by length as ingress-nginx orders its locations, and mixed with the others by
 * the same rule.
 */
final class CompiledHost {
    private static final Comparator<CompiledRoute> PRECEDENCE = Comparator
            .comparingInt((CompiledRoute r) -> -r.precedenceLength)
            .thenComparing(r -> r.kind)
            .thenComparing((CompiledRoute r) -> r.key, Comparator.reverseOrder());

    final VirtualHost host;
    final CompiledRoute fallback;
    /** The host's client-certificate checks, or null. */
    final @Nullable ClientCertChecks certs;
    /** {@code host.hashCode()}, computed once: a table derived from another hashes only its new hosts. */
    final int hash;
    private final CompiledRoute[] ordered;
    private final boolean hasRegex;
    private final Map<String, CompiledRoute> exact;
    private final CompiledRoute[] prefixes;

    CompiledHost(VirtualHost host, CompiledRoute fallback, @Nullable ClientCertChecks certs) {
        this.host = host;
        this.fallback = fallback;
        this.certs = certs;
        this.hash = host.hashCode();
        List<CompiledRoute> routes = new ArrayList<>();
        for (Route r : host.routes()) routes.add(new CompiledRoute(r, certs));
        routes.sort(PRECEDENCE); // stable: equal routes keep the given order, so the first given wins
        this.ordered = routes.toArray(CompiledRoute[]::new);
        this.hasRegex = routes.stream().anyMatch(r -> r.kind == PathMatch.Kind.REGEX);
        this.exact = new HashMap<>();
        List<CompiledRoute> prefixList = new ArrayList<>();
        for (CompiledRoute r : ordered) {
            if (r.kind == PathMatch.Kind.EXACT) exact.putIfAbsent(r.key, r);
            if (r.kind == PathMatch.Kind.PREFIX) prefixList.add(r);
        }
        this.prefixes = prefixList.toArray(CompiledRoute[]::new);
    }

    /** The route a normalised path selects, or null when none matches (the host's fallback then applies). */
    @Nullable CompiledRoute match(String path) {
        if (hasRegex) {
            for (CompiledRoute r : ordered) {
                if (r.matches(path)) return r;
            }
            return null;
        }
        // An exact hit is the longest possible match, so it beats every prefix.
        CompiledRoute hit = exact.get(path);
        if (hit != null) return hit;
        for (CompiledRoute r : prefixes) {
            if (r.matches(path)) return r;
        }
        return null;
    }

    /** The routes in precedence order. */
    List<CompiledRoute> ordered() {
        return List.of(ordered);
    }
}
