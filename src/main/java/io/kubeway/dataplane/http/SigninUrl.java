package io.kubeway.dataplane.http;

import io.kubeway.state.http.ExternalAuth;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Location} of the redirect to {@code auth-signin} on a 401, as ingress-nginx builds it
 * ({@code buildAuthSignURL}): when the sign-in URL has no query, {@code ?rd=$pass_access_scheme://$http_host
 * $escaped_request_uri} is appended; when it has a query without the redirect parameter, {@code &rd=...}; when
 * the parameter is there, the URL is kept. The nginx variables the translation allows are then filled in.
 */
final class SigninUrl {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");

    private SigninUrl() {
    }

    static String build(ExternalAuth spec, String scheme, String host, String requestUri) {
        String url = spec.signin();
        String param = spec.redirectParam();
        int q = url.indexOf('?');
        String query = q < 0 ? "" : url.substring(q + 1);
        if (query.isEmpty()) {
            url = (q < 0 ? url : url.substring(0, q)) + "?" + param + "=$pass_access_scheme://$http_host$escaped_request_uri";
        } else if (!hasParam(query, param)) {
            url = url + "&" + param + "=$pass_access_scheme://$http_host$escaped_request_uri";
        }
        Matcher m = VARIABLE.matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = switch (m.group(1)) {
                case "host", "http_host", "best_http_host" -> host;
                case "scheme", "pass_access_scheme" -> scheme;
                case "request_uri" -> requestUri;
                case "escaped_request_uri" -> escape(requestUri);
                default -> m.group(); // the translation refuses other variables
            };
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether the query has {@code param} with a non-empty value (Go's {@code url.Values.Get(p) != ""}). */
    private static boolean hasParam(String query, String param) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(param) && eq + 1 < pair.length()) return true;
        }
        return false;
    }

    /** nginx's {@code set_escape_uri}: every byte but the unreserved characters percent-encoded. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
