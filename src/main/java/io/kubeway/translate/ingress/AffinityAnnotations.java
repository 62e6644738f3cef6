package io.kubeway.translate.ingress;

import io.kubeway.state.http.RouteDecision.EndpointAffinity.Cookie;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * ingress-nginx's session affinity annotations ({@code affinity: cookie} and {@code session-cookie-*},
 * {@code affinity-mode}; internal/ingress/annotations/sessionaffinity and the Lua balancer's sticky.lua): what
 * the sticky cookie is called, its attributes, how it names its endpoint and what happens when that endpoint
 * fails. A value that does not parse gets an InvalidAnnotation warning and the default applies, as in
 * ingress-nginx; cookie attributes never restrict access, so nothing here fails closed.
 */
final class AffinityAnnotations {
    /** The names read here (all supported). */
    static final List<String> NAMES = List.of("affinity", "affinity-mode", "session-cookie-name",
            "session-cookie-max-age", "session-cookie-expires", "session-cookie-path", "session-cookie-domain",
            "session-cookie-samesite", "session-cookie-conditional-samesite-none", "session-cookie-secure",
            "session-cookie-change-on-failure");
    static final String DEFAULT_NAME = "INGRESSCOOKIE";
    /** The largest session-cookie-max-age and session-cookie-expires (about 68 years; browsers cap at 400 days). */
    static final long MAX_COOKIE_SECONDS = Integer.MAX_VALUE;
    /** RFC 6265 token characters. */
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    /** A host name or a leading-dot domain, as a Domain attribute takes it. */
    private static final Pattern DOMAIN = Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    /** Cookie paths: no control characters (AnnotationReader.text), no ';' or whitespace. */
    private static final Pattern PATH = Pattern.compile("/[^;\\s]*");

    /** affinity: cookie; a null path means the route's own path ({@code cookie.path()} is a placeholder then). */
    record Spec(@Nullable String path, Cookie cookie) {
    }

    private AffinityAnnotations() {
    }

    static @Nullable Spec parse(AnnotationReader r) {
        String affinity = r.string("affinity");
        if (affinity == null) {
            for (String s : NAMES) {
                if (r.has(s)) ineffective(r, s, "affinity: cookie");
            }
            return null;
        }
        if (!affinity.equals("cookie")) {
            r.invalid("affinity", affinity, "only \"cookie\" is supported");
            return null;
        }
        String name = r.string("session-cookie-name");
        if (name != null && !COOKIE_NAME.matcher(name).matches()) {
            r.invalid("session-cookie-name", name, "not a cookie name");
            name = null;
        }
        String path = r.text("session-cookie-path");
        if (path != null && !PATH.matcher(path).matches()) {
            r.invalid("session-cookie-path", path, "must start with / and hold no ';' or whitespace");
            path = null;
        }
        String domain = r.text("session-cookie-domain");
        if (domain != null && (!DOMAIN.matcher(domain).matches() || domain.length() > 253)) {
            r.invalid("session-cookie-domain", domain, "not a domain name");
            domain = null;
        }
        Cookie.SameSite sameSite = sameSite(r);
        boolean conditional = r.bool("session-cookie-conditional-samesite-none", false);
        if (conditional && sameSite != Cookie.SameSite.NONE) {
            ineffective(r, "session-cookie-conditional-samesite-none", "session-cookie-samesite: None");
            conditional = false;
        }
        long maxAge = seconds(r, "session-cookie-max-age");
        long expires = seconds(r, "session-cookie-expires");
        return new Spec(path, new Cookie(name == null ? DEFAULT_NAME : name, path == null ? "/" : path, maxAge,
                expires, domain, sameSite, conditional, r.bool("session-cookie-secure", false),
                r.bool("session-cookie-change-on-failure", false), mode(r)));
    }

    /** A whole number of seconds; 0 (or absent) leaves the attribute out. */
    private static long seconds(AnnotationReader r, String name) {
        Long v = r.integer(name, 0, MAX_COOKIE_SECONDS);
        return v == null ? 0 : v;
    }

    private static Cookie.@Nullable SameSite sameSite(AnnotationReader r) {
        String v = r.string("session-cookie-samesite");
        if (v == null) return null;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "none" -> Cookie.SameSite.NONE;
            case "lax" -> Cookie.SameSite.LAX;
            case "strict" -> Cookie.SameSite.STRICT;
            default -> {
                r.invalid("session-cookie-samesite", v, "must be None, Lax or Strict");
                yield null;
            }
        };
    }

    private static Cookie.Mode mode(AnnotationReader r) {
        String v = r.string("affinity-mode");
        if (v == null) return Cookie.Mode.BALANCED;
        return switch (v) {
            case "balanced" -> Cookie.Mode.BALANCED;
            case "persistent" -> Cookie.Mode.PERSISTENT;
            default -> {
                r.invalid("affinity-mode", v, "must be balanced or persistent");
                yield Cookie.Mode.BALANCED;
            }
        };
    }

    private static void ineffective(AnnotationReader r, String name, String needs) {
        r.warn(AnnotationReader.INVALID, "annotation " + r.key(name) + " has no effect without " + needs + "; ignored");
    }
}
