package io.kubeway.translate.ingress;

import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * ingress-nginx's global external authentication, from the controller ConfigMap ({@code global-auth-url} and its
 * {@code global-auth-*} companions, {@code no-auth-locations}). Every Ingress route without its own {@code auth-url}
 * gets {@link #auth} unless the Ingress says {@code enable-global-auth: "false"} (ingress-nginx's
 * {@code shouldApplyGlobalAuth}). A location whose Ingress path starts with an entry of {@link #noAuthLocations}
 * gets no authentication at all, its own included (ingress-nginx's template skips {@code auth_request} and
 * {@code auth_basic} there: {@code isLocationInLocationList}).
 *
 * @param auth            the global auth call, or null (none configured, or {@link #denial} is set)
 * @param denial          why the global auth cannot be honoured (a bad {@code global-auth-*} value with no last good
 *                        one, or a {@code global-auth-snippet}): every route it would protect answers 503 with this
 *                        reason (fail closed); null when it can
 * @param noAuthLocations {@code no-auth-locations}: path prefixes, default {@code /.well-known/acme-challenge}
 */
public record GlobalAuth(@Nullable ExternalAuth auth, @Nullable String denial, List<String> noAuthLocations) {
    /** ingress-nginx's default for {@code no-auth-locations}. */
    public static final String DEFAULT_NO_AUTH_LOCATIONS = "/.well-known/acme-challenge";
    /** No global auth; ingress-nginx's default {@code no-auth-locations}. */
    public static final GlobalAuth NONE = new GlobalAuth(null, null, List.of(DEFAULT_NO_AUTH_LOCATIONS));

    public GlobalAuth {
        noAuthLocations = List.copyOf(noAuthLocations);
        if (auth != null && denial != null) throw new IllegalArgumentException("both an auth call and a denial");
    }

    /** Whether a {@code global-auth-url} is set (honoured or failing closed). */
    boolean configured() {
        return auth != null || denial != null;
    }

    /** Whether an Ingress path (as written) is in {@link #noAuthLocations}: a string prefix, as ingress-nginx. */
    boolean exempt(String ingressPath) {
        for (String l : noAuthLocations) {
            if (ingressPath.startsWith(l)) return true;
        }
        return false;
    }

    /**
     * The policy of a route on a no-auth location: no authentication, and not closed for the global auth alone
     * ({@link AccessRestrictions} appends {@link #denial} last; any other reason keeps the route closed).
     */
    RoutePolicy exempt(RoutePolicy p) {
        String denied = p.denied();
        if (denied != null && denial != null) {
            if (denied.equals(denial)) denied = null;
            else if (denied.endsWith(", " + denial)) denied = denied.substring(0, denied.length() - denial.length() - 2);
        }
        return p.toBuilder().auth(null).denied(denied).build();
    }
}
