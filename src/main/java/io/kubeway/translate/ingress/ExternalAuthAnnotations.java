package io.kubeway.translate.ingress;

import io.kubeway.state.http.AuthCachePolicy;
import io.kubeway.state.http.ExternalAuth;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ingress-nginx's external authentication annotations ({@code internal/ingress/annotations/authreq}):
 * {@code auth-url}, {@code auth-method}, {@code auth-signin}, {@code auth-signin-redirect-param},
 * {@code auth-response-headers} and {@code auth-request-redirect}, read into an {@link ExternalAuth} that the HTTP
 * engine carries out. Every value ingress-nginx denies the location for, and everything Kubeway does not do (nginx
 * variables in {@code auth-url}, variables in {@code auth-signin} other than {@link #SIGNIN_VARIABLES}), closes the
 * routes through {@link AccessRestrictions}. Without {@code auth-url} the others have no effect and are reported.
 */
final class ExternalAuthAnnotations {
    static final List<String> NAMES = List.of("auth-method", "auth-request-redirect", "auth-response-headers",
            "auth-signin", "auth-signin-redirect-param", "auth-always-set-cookie", "auth-cache-key", "auth-cache-duration", "auth-keepalive",
            "auth-keepalive-requests", "auth-keepalive-timeout");
    /** The most idle connections {@code auth-keepalive} may keep per auth service and event loop. */
    static final int MAX_KEEPALIVE = 1024;
    /** The nginx variables the engine fills in in {@code auth-signin} (see the HTTP engine's external auth). */
    static final Set<String> SIGNIN_VARIABLES = Set.of("host", "http_host", "best_http_host", "scheme",
            "pass_access_scheme", "request_uri", "escaped_request_uri");
    private static final Pattern METHOD = Pattern.compile("GET|HEAD|POST|PUT|PATCH|DELETE|CONNECT|OPTIONS|TRACE");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9\\-_]+");
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9\\-_.~]+");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");

    private ExternalAuthAnnotations() {
    }

    /** The external authentication, or null when none is asked for or it cannot be honoured (then {@code a} closes). */
    static @Nullable ExternalAuth parse(AnnotationReader r, AccessRestrictions a) {
        String url = r.string("auth-url");
        if (url == null) {
            for (String name : NAMES) {
                if (r.has(name)) {
                    r.warn(AnnotationReader.INVALID, "annotation " + r.key(name) + " has no effect without "
                            + r.key("auth-url") + "; ignored");
                }
            }
            return null;
        }
        boolean ok = true;
        if (url.indexOf('$') >= 0) {
            a.close(AnnotationReader.UNSUPPORTED, "auth-url", "annotation " + r.key("auth-url") + ": nginx variables "
                    + "in the URL are not supported by kubeway", "variables not supported");
            ok = false;
        } else {
            ok = check(a, "auth-url", url, urlError(url));
        }
        String method = r.string("auth-method");
        if (method != null) ok &= check(a, "auth-method", method, methodError(method));
        String signin = r.string("auth-signin");
        if (signin != null) ok &= check(a, "auth-signin", signin, signinError(signin));
        String param = r.string("auth-signin-redirect-param");
        if (param == null) param = "rd";
        ok &= check(a, "auth-signin-redirect-param", param, paramError(param));
        List<String> headers = List.of();
        String list = r.string("auth-response-headers");
        if (list != null) {
            String bad = badHeader(list);
            if (bad != null) {
                a.invalid("auth-response-headers", bad, "not a header name");
                ok = false;
            } else {
                headers = headers(list);
            }
        }
        String redirect = r.string("auth-request-redirect");
        if (redirect != null) ok &= check(a, "auth-request-redirect", redirect, redirectError(redirect));
        boolean always = false;
        String cookie = r.string("auth-always-set-cookie");
        if (cookie != null) {
            Boolean b = AnnotationReader.goBool(cookie);
            if (b == null) {
                a.invalid("auth-always-set-cookie", cookie, "must be \"true\" or \"false\"");
                ok = false;
            } else {
                always = b;
            }
        }
        AuthCachePolicy cache = null;
        String cacheKey = r.string("auth-cache-key");
        String cacheDuration = r.string("auth-cache-duration");
        if (cacheKey != null) {
            cache = cache(cacheKey, cacheDuration, (name, value, why) -> a.invalid(name, value, why));
            if (cache == null) ok = false;
        } else if (cacheDuration != null) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("auth-cache-duration") + " has no effect without "
                    + r.key("auth-cache-key") + "; ignored");
        }
        ExternalAuth.Keepalive keepalive = null;
        int connections = number(r, a, "auth-keepalive", 0, 0, MAX_KEEPALIVE);
        int requests = number(r, a, "auth-keepalive-requests", 1000, 1, 1_000_000);
        int idle = number(r, a, "auth-keepalive-timeout", 60, 1, 3600);
        if (connections < 0 || requests < 0 || idle < 0) {
            ok = false;
        } else if (connections > 0) {
            keepalive = new ExternalAuth.Keepalive(connections, requests, java.time.Duration.ofSeconds(idle));
        } else {
            for (String name : List.of("auth-keepalive-requests", "auth-keepalive-timeout")) {
                if (r.has(name)) {
                    r.warn(AnnotationReader.INVALID, "annotation " + r.key(name) + " has no effect without "
                            + r.key("auth-keepalive") + " above 0; ignored");
                }
            }
        }
        return ok ? build(url, method, signin, param, headers, redirect).withAlwaysSetCookie(always).withCache(cache)
                .withKeepalive(keepalive) : null;
    }

    /** A whole number annotation in {@code [min, max]}; {@code dflt} when absent; -1 (reported) when bad. */
    private static int number(AnnotationReader r, AccessRestrictions a, String name, int dflt, int min, int max) {
        String v = r.string(name);
        if (v == null) return dflt;
        if (!v.matches("[0-9]{1,9}") || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
            a.invalid(name, v, "must be a whole number from " + min + " to " + max);
            return -1;
        }
        return Integer.parseInt(v);
    }

    /** Where a bad value is reported: the key (annotation or ConfigMap key, by short name), the value, why. */
    interface Invalid {
        void report(String name, String value, String why);
    }

    /**
     * {@code auth-cache-key} with {@code auth-cache-duration} (null: ingress-nginx's default), or null when either
     * does not parse (reported under its short name, with the {@code global-} prefix when {@code global}).
     */
    static @Nullable AuthCachePolicy cache(String key, @Nullable String duration, Invalid invalid) {
        boolean ok = true;
        try {
            io.kubeway.state.http.routing.HashKey.parse(key);
        } catch (IllegalArgumentException e) {
            invalid.report("auth-cache-key", key, e.getMessage().replace("upstream-hash-by", "auth-cache-key"));
            ok = false;
        }
        if (duration != null) {
            try {
                AuthCachePolicy.durations(duration);
            } catch (IllegalArgumentException e) {
                invalid.report("auth-cache-duration", duration, e.getMessage());
                ok = false;
            }
        }
        return ok ? AuthCachePolicy.parse(key, duration) : null;
    }

    private static boolean check(AccessRestrictions a, String name, String value, @Nullable String error) {
        if (error == null) return true;
        a.invalid(name, value, error);
        return false;
    }

    /**
     * The auth call of values each checked by the {@code *Error} methods below (the annotations here, the controller
     * ConfigMap's {@code global-auth-*} keys in {@link ControllerConfigMap}).
     */
    static ExternalAuth build(String url, @Nullable String method, @Nullable String signin, String param,
                              List<String> headers, @Nullable String redirect) {
        URI u = URI.create(url);
        boolean tls = u.getScheme().equalsIgnoreCase("https");
        int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return new ExternalAuth(url, tls, host, port, u.getHost(), path, method, signin, param, headers, redirect);
    }

    /** Why {@code url} cannot be the auth service's URL, or null when it can. */
    static @Nullable String urlError(String url) {
        if (url.indexOf('$') >= 0) return "nginx variables in the URL are not supported by kubeway";
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return "only http and https URLs are valid";
            if (u.getHost() == null || u.getHost().isEmpty()) return "no host";
            if (u.getRawUserInfo() != null) return "user information in the URL is not supported";
            return null;
        } catch (URISyntaxException e) {
            return "not a URL: " + e.getReason();
        }
    }

    static @Nullable String methodError(String method) {
        return METHOD.matcher(method).matches() ? null : "must be an HTTP method such as GET or POST";
    }

    static @Nullable String paramError(String param) {
        return PARAM.matcher(param).matches() ? null : "must be a query parameter name";
    }

    static @Nullable String redirectError(String redirect) {
        return redirect.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? "must not contain control characters" : null;
    }

    /** The first entry of a comma-separated header list that is not a header name, or null. */
    static @Nullable String badHeader(String list) {
        for (String h : list.split(",")) {
            String name = h.strip();
            if (!name.isEmpty() && !HEADER.matcher(name).matches()) return name;
        }
        return null;
    }

    /** The header names of a list {@link #badHeader} accepts. */
    static List<String> headers(String list) {
        List<String> out = new ArrayList<>();
        for (String h : list.split(",")) {
            if (!h.isBlank()) out.add(h.strip());
        }
        return out;
    }

    static @Nullable String signinError(String signin) {
        if (signin.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            return "must not contain whitespace or control characters";
        }
        Matcher m = VARIABLE.matcher(signin);
        while (m.find()) {
            if (!SIGNIN_VARIABLES.contains(m.group(1))) {
                return "variable $" + m.group(1) + " is not supported by kubeway (only "
                        + "$host, $http_host, $best_http_host, $scheme, $pass_access_scheme, $request_uri, "
                        + "$escaped_request_uri)";
            }
        }
        String plain = VARIABLE.matcher(signin).replaceAll("x");
        try {
            URI u = new URI(plain);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") && !plain.startsWith("/")) {
                return "must be an http or https URL or a path";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a URL: " + e.getReason();
        }
    }
}
