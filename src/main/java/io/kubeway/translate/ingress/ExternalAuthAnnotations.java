package io.kubeway.translate.ingress;

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
            "auth-signin", "auth-signin-redirect-param");
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
        URI u = url(r, a, url);
        String method = r.string("auth-method");
        if (method != null && !METHOD.matcher(method).matches()) {
            a.invalid("auth-method", method, "must be an HTTP method such as GET or POST");
            ok = false;
        }
        String signin = r.string("auth-signin");
        if (signin != null && !signinValid(a, signin)) ok = false;
        String param = r.string("auth-signin-redirect-param");
        if (param == null) param = "rd";
        if (!PARAM.matcher(param).matches()) {
            a.invalid("auth-signin-redirect-param", param, "must be a query parameter name");
            ok = false;
        }
        List<String> headers = new ArrayList<>();
        String list = r.string("auth-response-headers");
        if (list != null) {
            for (String h : list.split(",")) {
                String name = h.strip();
                if (name.isEmpty()) continue;
                if (!HEADER.matcher(name).matches()) {
                    a.invalid("auth-response-headers", name, "not a header name");
                    ok = false;
                } else {
                    headers.add(name);
                }
            }
        }
        String redirect = r.string("auth-request-redirect");
        if (redirect != null && redirect.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            a.invalid("auth-request-redirect", redirect, "must not contain control characters");
            ok = false;
        }
        if (u == null || !ok) return null;
        boolean tls = u.getScheme().equalsIgnoreCase("https");
        int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return new ExternalAuth(url, tls, host, port, u.getHost(), path,
                method, signin, param, headers, redirect);
    }

    private static @Nullable URI url(AnnotationReader r, AccessRestrictions a, String url) {
        if (url.indexOf('$') >= 0) {
            a.close(AnnotationReader.UNSUPPORTED, "auth-url", "annotation " + r.key("auth-url") + ": nginx variables "
                    + "in the URL are not supported by kubeway", "variables not supported");
            return null;
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                a.invalid("auth-url", url, "only http and https URLs are valid");
                return null;
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                a.invalid("auth-url", url, "no host");
                return null;
            }
            if (u.getRawUserInfo() != null) {
                a.invalid("auth-url", url, "user information in the URL is not supported");
                return null;
            }
            return u;
        } catch (URISyntaxException e) {
            a.invalid("auth-url", url, "not a URL: " + e.getReason());
            return null;
        }
    }

    private static boolean signinValid(AccessRestrictions a, String signin) {
        if (signin.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            a.invalid("auth-signin", signin, "must not contain whitespace or control characters");
            return false;
        }
        Matcher m = VARIABLE.matcher(signin);
        while (m.find()) {
            if (!SIGNIN_VARIABLES.contains(m.group(1))) {
                a.invalid("auth-signin", signin, "variable $" + m.group(1) + " is not supported by kubeway (only "
                        + "$host, $http_host, $best_http_host, $scheme, $pass_access_scheme, $request_uri, "
                        + "$escaped_request_uri)");
                return false;
            }
        }
        String plain = VARIABLE.matcher(signin).replaceAll("x");
        try {
            URI u = new URI(plain);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") && !plain.startsWith("/")) {
                a.invalid("auth-signin", signin, "must be an http or https URL or a path");
                return false;
            }
            return true;
        } catch (URISyntaxException e) {
            a.invalid("auth-signin", signin, "not a URL: " + e.getReason());
            return false;
        }
    }
}
