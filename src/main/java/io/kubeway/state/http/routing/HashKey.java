package io.kubeway.state.http.routing;

import io.kubeway.core.IpLiterals;
import io.kubeway.state.http.RequestView;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ingress-nginx's {@code upstream-hash-by}: a template of literal text and nginx variables whose value, per
 * request, is the key of the consistent hash that picks the endpoint. Variables are written {@code $name} or
 * {@code ${name}}; supported are {@code $request_uri} (path and query as received), {@code $uri} (normalised
 * path), {@code $args} / {@code $query_string}, {@code $remote_addr}, {@code $host}, {@code $request_method},
 * {@code $scheme}, {@code $http_<header>} (underscores stand for dashes), {@code $cookie_<name>} and
 * {@code $arg_<name>} (query parameter, raw, name case-insensitive). A missing value is empty, as in nginx.
 */
public final class HashKey {
    private final String template;
    private final List<Part> parts;

    private HashKey(String template, List<Part> parts) {
        this.template = template;
        this.parts = parts;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the problem (empty, dangling {@code $}, unknown variable)
     */
    public static HashKey parse(String template) {
        if (template.isBlank()) throw new IllegalArgumentException("empty upstream-hash-by");
        List<Part> parts = new ArrayList<>();
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            int start = i + 1;
            int end;
            String name;
            if (start < template.length() && template.charAt(start) == '{') {
                end = template.indexOf('}', start);
                if (end < 0) throw new IllegalArgumentException("unterminated ${ in \"" + template + "\"");
                name = template.substring(start + 1, end);
                end++;
            } else {
                end = start;
                while (end < template.length() && isNameChar(template.charAt(end))) end++;
                name = template.substring(start, end);
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("'$' without a variable name in \"" + template + "\"");
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(variable(name));
            i = end;
        }
        if (!literal.isEmpty()) parts.add(new Literal(literal.toString()));
        return new HashKey(template, List.copyOf(parts));
    }

    /** The key for one request; {@code uri} is the normalised path. */
    public String evaluate(RequestView req, String uri) {
        if (parts.size() == 1) return parts.get(0).value(req, uri);
        StringBuilder sb = new StringBuilder(64);
        for (Part p : parts) sb.append(p.value(req, uri));
        return sb.toString();
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static Part variable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http_") && lower.length() > 5) return new Header(lower.substring(5).replace('_', '-'));
        if (lower.startsWith("cookie_") && lower.length() > 7) return new Cookie(name.substring(7));
        if (lower.startsWith("arg_") && lower.length() > 4) return new Arg(lower.substring(4));
        return switch (lower) {
            case "request_uri" -> (req, uri) -> req.query() == null ? req.path() : req.path() + "?" + req.query();
            case "uri", "document_uri" -> (req, uri) -> uri;
            case "args", "query_string" -> (req, uri) -> req.query() == null ? "" : req.query();
            case "remote_addr" -> (req, uri) -> IpLiterals.format(req.clientIp());
            case "host" -> (req, uri) -> req.host();
            case "request_method" -> (req, uri) -> req.method();
            case "scheme" -> (req, uri) -> req.tls() ? "https" : "http";
            default -> throw new IllegalArgumentException("unsupported nginx variable $" + name);
        };
    }

    /** One piece of the template. */
    private interface Part {
        String value(RequestView req, String uri);
    }

    private record Literal(String text) implements Part {
        @Override
        public String value(RequestView req, String uri) {
            return text;
        }
    }

    private record Header(String name) implements Part {
        @Override
        public String value(RequestView req, String uri) {
            String v = req.header(name);
            return v == null ? "" : v;
        }
    }

    private record Cookie(String name) implements Part {
        @Override
        public String value(RequestView req, String uri) {
            String v = req.cookie(name);
            return v == null ? "" : v;
        }
    }

    private record Arg(String name) implements Part {
        @Override
        public String value(RequestView req, String uri) {
            String q = req.query();
            if (q == null) return "";
            int i = 0;
            while (i <= q.length()) {
                int amp = q.indexOf('&', i);
                if (amp < 0) amp = q.length();
                int eq = i + name.length();
                if (eq < amp && q.charAt(eq) == '=' && q.regionMatches(true, i, name, 0, name.length())) {
                    return q.substring(eq + 1, amp);
                }
                i = amp + 1;
            }
            return "";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashKey h && h.template.equals(template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return template;
    }
}
