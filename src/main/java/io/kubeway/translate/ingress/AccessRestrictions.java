package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.routing.Auth;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.routing.CidrBlock;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The fail-closed rule for ingress-nginx's access-restricting annotations: every {@code auth-*} (basic, digest and
 * external authentication, client certificates {@code auth-tls-*}), the source ranges ({@code whitelist-*},
 * {@code allowlist-*}, {@code denylist-*}), {@code satisfy} and ModSecurity ({@code enable-modsecurity},
 * {@code enable-owasp-core-rules}, {@code modsecurity-*}). One that Kubeway cannot honour, because it does not
 * implement it or because its value does not parse, closes the Ingress's routes: they answer 503 and never reach the
 * backend (ingress-nginx's denied location), with a Warning naming the annotation. Serving the route without the
 * restriction would expose exactly what the annotation protects.
 *
 * <p>Honoured here: the source ranges (every entry must parse: a list with one bad entry closes, as ingress-nginx's
 * annotation validation denies the location), {@code satisfy} ({@code all} or {@code any}: with {@code any}, a
 * client the source ranges allow needs no credentials), basic authentication ({@link BasicAuthAnnotations}) and
 * external authentication ({@link ExternalAuthAnnotations}; not its keepalive, cache and cookie annotations).
 * Client certificates ({@code auth-tls-*}) are honoured by {@link ClientCertAnnotations}, checked before and
 * regardless of {@code satisfy}, as in nginx; their bad values close the routes the same way.
 */
final class AccessRestrictions {
    /** Restricting annotations Kubeway implements; every other restricting name closes the routes. */
    static final Set<String> HONOURED = Set.of("whitelist-source-range", "allowlist-source-range",
            "denylist-source-range", "satisfy", "auth-type", "auth-secret", "auth-secret-type", "auth-realm",
            "auth-url", "auth-method", "auth-signin", "auth-signin-redirect-param", "auth-response-headers",
            "auth-request-redirect", "auth-always-set-cookie", "auth-cache-key", "auth-cache-duration", "auth-keepalive",
            "auth-keepalive-requests", "auth-keepalive-timeout", "auth-tls-secret", "auth-tls-verify-client", "auth-tls-verify-depth",
            "auth-tls-error-page", "auth-tls-pass-certificate-to-upstream", "auth-tls-match-cn");
    /** Switches that restrict only when on: {@code "false"} is an ordinary unsupported (ignored) annotation. */
    private static final Set<String> SWITCHES = Set.of("enable-modsecurity", "enable-owasp-core-rules");

    private final AnnotationReader r;
    private final String closed;
    private final List<String> denials = new ArrayList<>();

    private AccessRestrictions(AnnotationReader r, boolean canary) {
        this.r = r;
        this.closed = canary ? "; it restricts access, so requests are never sent to this canary's backend "
                + "(fail closed)" : "; it restricts access, so this Ingress's routes answer 503 (fail closed)";
    }

    /** Whether a short annotation name restricts access (see the class comment). */
    static boolean restricting(String name) {
        return name.startsWith("auth-") || name.startsWith("whitelist-") || name.startsWith("allowlist-")
                || name.startsWith("denylist-") || name.startsWith("modsecurity-") || name.equals("satisfy")
                || SWITCHES.contains(name);
    }

    /**
     * Sets the source ranges and, when a restriction cannot be honoured, {@link RoutePolicy#denied}; reports each
     * such annotation once. A canary's message says that its backend is never used instead (see {@link HostTable}).
     */
    /**
     * As above, and reads the authentication annotations of an Ingress of {@code namespace} ({@code secrets} holds
     * every Secret by name): basic and external auth go into the policy, client certificates are returned.
     *
     * @return the Ingress's client authentication, or null (none, or its routes are closed)
     */
    static @Nullable ClientAuth apply(AnnotationReader r, boolean canary, String namespace,
                                      Map<NamespacedName, Secret> secrets, RoutePolicy.Builder p) {
        return apply(r, canary, namespace, secrets, GlobalAuth.NONE, p);
    }

    /**
     * As above, with the controller ConfigMap's global external authentication: an Ingress without its own
     * {@code auth-url} gets it unless {@code enable-global-auth} is {@code "false"}; when it cannot be honoured the
     * routes are closed with its {@link GlobalAuth#denial} (last, so that {@link GlobalAuth#exempt(RoutePolicy)}
     * can reopen the no-auth locations).
     */
    static @Nullable ClientAuth apply(AnnotationReader r, boolean canary, String namespace,
                                      Map<NamespacedName, Secret> secrets, GlobalAuth global, RoutePolicy.Builder p) {
        AccessRestrictions a = new AccessRestrictions(r, canary);
        a.unsupported();
        a.satisfy();
        a.sourceRanges(p);
        Auth.Basic basic = BasicAuthAnnotations.parse(r, namespace, secrets, a);
        ExternalAuth external = ExternalAuthAnnotations.parse(r, a);
        boolean useGlobal = !r.has("auth-url") && r.bool("enable-global-auth", true) && global.configured();
        if (r.has("enable-global-auth") && !global.configured()) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("enable-global-auth") + " has no effect: the "
                    + "controller ConfigMap sets no global-auth-url; ignored");
        }
        if (useGlobal) external = global.auth();
        if (basic != null || external != null) {
            p.auth(new Auth(basic, external, "any".equals(r.string("satisfy"))));
        }
        ClientAuth clientAuth = ClientCertAnnotations.read(r, namespace, secrets::get, new ClientCertAnnotations.Closer() {
            @Override
            public void invalid(String name, String value, String why) {
                a.invalid(name, value, why);
            }

            @Override
            public void close(String reason, String name, String message, String denial) {
                a.close(reason, name, message, denial);
            }
        });
        boolean closed = !a.denials.isEmpty();
        if (useGlobal && global.denial() != null) a.denials.add(global.denial());
        if (!a.denials.isEmpty()) p.denied(String.join(", ", a.denials));
        return closed ? null : clientAuth;
    }

    private void unsupported() {
        for (String name : r.names()) {
            if (!restricting(name) || HONOURED.contains(name)) continue;
            if (SWITCHES.contains(name) && isFalse(r.string(name))) {
                r.warn(AnnotationReader.UNSUPPORTED, "annotation " + r.key(name) + " is not supported by kubeway; "
                        + "ignored");
                continue;
            }
            close(AnnotationReader.UNSUPPORTED, name, "annotation " + r.key(name) + " is not supported by kubeway",
                    "not supported");
        }
    }

    private void satisfy() {
        String v = r.string("satisfy");
        if (v != null && !v.equals("all") && !v.equals("any")) {
            invalid("satisfy", v, "must be \"all\" or \"any\"");
        }
    }

    /** allowlist-source-range replaces whitelist-source-range (its old name) in ingress-nginx. */
    private void sourceRanges(RoutePolicy.Builder p) {
        boolean both = r.has("allowlist-source-range") && r.has("whitelist-source-range");
        String allowName = r.has("allowlist-source-range") ? "allowlist-source-range" : "whitelist-source-range";
        List<String> allow = ranges(allowName);
        if (both) {
            List<String> white = ranges("whitelist-source-range");
            if (allow != null && white != null && !new HashSet<>(allow).equals(new HashSet<>(white))) {
                close(AnnotationReader.INVALID, "whitelist-source-range", "annotations " + r.key(allowName) + " and "
                        + r.key("whitelist-source-range") + " differ (ingress-nginx uses only the first)",
                        "differs from " + r.key(allowName));
            }
        }
        // Absent, the controller ConfigMap's whitelist-source-range (the builder's base) stays.
        if (allow != null && r.has(allowName)) p.allowSourceRanges(allow);
        List<String> deny = ranges("denylist-source-range");
        if (deny != null) p.denySourceRanges(deny);
    }

    /** The canonical CIDRs of a list; empty when absent; null (reported, routes closed) when any entry is bad. */
    private List<String> ranges(String name) {
        String v = r.string(name);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        boolean bad = false;
        for (String part : v.split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(CidrBlock.parse(part).toString());
            } catch (IllegalArgumentException e) {
                invalid(name, part.strip(), "not a CIDR or IP address");
                bad = true;
            }
        }
        if (!bad && out.isEmpty()) {
            invalid(name, v, "no CIDR or IP address");
            bad = true;
        }
        return bad ? null : out;
    }

    void invalid(String name, String value, String why) {
        close(AnnotationReader.INVALID, name, "annotation " + r.key(name) + ": invalid value \"" + value + "\": "
                + why, "invalid value");
    }

    void close(String reason, String name, String message, String denial) {
        r.warn(reason, message + closed);
        String d = r.key(name) + ": " + denial;
        if (!denials.contains(d)) denials.add(d);
    }

    private static boolean isFalse(String v) {
        return switch (v) {
            case "0", "f", "F", "FALSE", "false", "False" -> true;
            default -> false;
        };
    }
}
