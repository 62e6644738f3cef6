package io.kubeway.state.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An access log line in nginx's variable syntax (ingress-nginx's {@code log-format-upstream}), parsed once: literal
 * text and {@code $name} / {@code ${name}} variables, each one Kubeway knows ({@link #VARIABLES}). The engine fills
 * the variables per request.
 *
 * @param parts literal text, and variable names prefixed by {@link #VARIABLE_MARK} (a control character, which
 *              literal text never holds)
 */
public record LogFormat(List<String> parts) {
    /** ingress-nginx's default {@code log-format-upstream}. */
    public static final String INGRESS_NGINX_DEFAULT = "$remote_addr - $remote_user [$time_local] \"$request\" $status "
            + "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length $request_time "
            + "[$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length "
            + "$upstream_response_time $upstream_status $req_id";
    /** The variables Kubeway has; any other makes the format invalid. */
    public static final Set<String> VARIABLES = Set.of("remote_addr", "remote_user", "time_local", "time_iso8601",
            "request", "request_method", "request_uri", "uri", "server_protocol", "status", "body_bytes_sent",
            "bytes_sent", "http_referer", "http_user_agent", "host", "http_host", "request_length", "request_time",
            "proxy_upstream_name", "proxy_alternative_upstream_name", "upstream_addr", "upstream_response_length",
            "upstream_response_time", "upstream_status", "req_id", "ingress_name", "namespace");
    /** Marks a variable in {@link #parts}. */
    public static final char VARIABLE_MARK = '\u0001';
    /** The longest format accepted. */
    public static final int MAX_LENGTH = 4096;
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}|\\$([A-Za-z0-9_]+)");

    public LogFormat {
        parts = List.copyOf(parts);
    }

    /**
     * @throws IllegalArgumentException naming the first variable Kubeway does not have, or when too long
     */
    public static LogFormat parse(String template) {
        if (template.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("longer than " + MAX_LENGTH + " characters");
        }
        if (template.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
            throw new IllegalArgumentException("control characters are not allowed");
        }
        List<String> parts = new ArrayList<>();
        Matcher m = VARIABLE.matcher(template);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) parts.add(template.substring(at, m.start()));
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (!VARIABLES.contains(name)) {
                throw new IllegalArgumentException("variable $" + name + " is not one Kubeway has (it has: "
                        + String.join(", ", new java.util.TreeSet<>(VARIABLES)) + ")");
            }
            parts.add(VARIABLE_MARK + name);
            at = m.end();
        }
        if (at < template.length()) parts.add(template.substring(at));
        return new LogFormat(parts);
    }
}
