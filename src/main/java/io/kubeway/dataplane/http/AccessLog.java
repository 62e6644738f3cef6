package io.kubeway.dataplane.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per request on the slf4j logger {@code io.kubeway.access} (INFO).
 *
 * <p>{@code text} follows ingress-nginx's default log format:
 * <pre>
 * $remote_addr - - [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
 *   $request_length $request_time [$proxy_upstream_name] [] $upstream_addr $upstream_response_length
 *   $upstream_response_time $upstream_status $req_id
 * </pre>
 * ({@code $request_length} here counts body bytes only). {@code json} writes the same facts as one JSON object.
 */
final class AccessLog {
    static final String LOGGER = "io.kubeway.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final String format;
    /** The controller ConfigMap's log-format-upstream, or null for {@link #format}'s line. */
    private volatile io.kubeway.state.http.@org.jspecify.annotations.Nullable LogFormat custom;

    AccessLog(String format) {
        this.format = format;
    }

    /** Lines from now on follow {@code next} (null: {@code --access-log}'s own format). */
    void custom(io.kubeway.state.http.@org.jspecify.annotations.Nullable LogFormat next) {
        custom = next;
    }

    boolean enabled() {
        return !format.equals("off") && log.isInfoEnabled();
    }

    void log(RequestRecord r) {
        if (!enabled()) return;
        io.kubeway.state.http.LogFormat f = custom;
        log.info(f != null ? render(f, r) : format.equals("json") ? json(r) : text(r));
    }

    /** {@code r} in an nginx-syntax format: each variable as ingress-nginx's nginx fills it. */
    static String render(io.kubeway.state.http.LogFormat f, RequestRecord r) {
        StringBuilder sb = new StringBuilder(256);
        for (String part : f.parts()) {
            if (part.isEmpty() || part.charAt(0) != io.kubeway.state.http.LogFormat.VARIABLE_MARK) {
                sb.append(part);
                continue;
            }
            String uri = r.uri();
            int q = uri.indexOf('?');
            int slash = r.ingress().indexOf('/');
            sb.append(switch (part.substring(1)) {
                case "remote_addr" -> r.clientIp();
                case "time_local" -> TIME_LOCAL.format(r.start());
                case "time_iso8601" -> java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
                        .format(r.start().atOffset(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                case "request" -> r.method() + " " + uri + " " + r.protocol();
                case "request_method" -> r.method();
                case "request_uri" -> uri;
                case "uri" -> q < 0 ? uri : uri.substring(0, q);
                case "server_protocol" -> r.protocol();
                case "status" -> Integer.toString(r.status());
                case "body_bytes_sent", "bytes_sent" -> Long.toString(r.responseBytes());
                case "http_referer" -> dash(r.referer());
                case "http_user_agent" -> dash(r.userAgent());
                case "host", "http_host" -> dash(r.host());
                case "request_length" -> Long.toString(r.requestBytes());
                case "request_time" -> seconds(r.nanos());
                case "proxy_upstream_name" -> r.upstreamName() == null ? "" : r.upstreamName();
                case "upstream_addr" -> dash(r.upstreamAddr());
                case "upstream_response_length" -> r.upstreamStatus() == 0 ? "-" : Long.toString(r.responseBytes());
                case "upstream_response_time" -> r.upstreamNanos() < 0 ? "-" : seconds(r.upstreamNanos());
                case "upstream_status" -> r.upstreamStatus() == 0 ? "-" : Integer.toString(r.upstreamStatus());
                case "req_id" -> r.requestId();
                case "ingress_name" -> slash < 0 ? "-" : r.ingress().substring(slash + 1);
                case "namespace" -> slash < 0 ? "-" : r.ingress().substring(0, slash);
                case "proxy_alternative_upstream_name" -> ""; // canary choices are not recorded
                default -> "-"; // remote_user: not recorded
            });
        }
        return sb.toString();
    }

    static String text(RequestRecord r) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(r.clientIp()).append(" - - [").append(TIME_LOCAL.format(r.start())).append("] \"")
                .append(r.method()).append(' ').append(r.uri()).append(' ').append(r.protocol()).append("\" ")
                .append(r.status()).append(' ').append(r.responseBytes()).append(" \"")
                .append(dash(r.referer())).append("\" \"").append(dash(r.userAgent())).append("\" ")
                .append(r.requestBytes()).append(' ').append(seconds(r.nanos())).append(" [")
                .append(r.upstreamName() == null ? "" : r.upstreamName()).append("] [] ")
                .append(dash(r.upstreamAddr())).append(' ')
                .append(r.upstreamStatus() == 0 ? "-" : Long.toString(r.responseBytes())).append(' ')
                .append(r.upstreamNanos() < 0 ? "-" : seconds(r.upstreamNanos())).append(' ')
                .append(r.upstreamStatus() == 0 ? "-" : Integer.toString(r.upstreamStatus())).append(' ')
                .append(r.requestId());
        return sb.toString();
    }

    static String json(RequestRecord r) {
        StringBuilder sb = new StringBuilder(384).append('{');
        field(sb, "time", r.start().toString());
        field(sb, "remote_addr", r.clientIp());
        field(sb, "request_id", r.requestId());
        field(sb, "method", r.method());
        field(sb, "uri", r.uri());
        field(sb, "protocol", r.protocol());
        field(sb, "host", r.host());
        number(sb, "status", r.status());
        number(sb, "bytes_sent", r.responseBytes());
        number(sb, "request_length", r.requestBytes());
        sb.append("\"request_time\":").append(seconds(r.nanos())).append(',');
        field(sb, "referer", r.referer());
        field(sb, "user_agent", r.userAgent());
        field(sb, "ingress", r.ingress());
        field(sb, "upstream", r.upstreamName());
        field(sb, "upstream_addr", r.upstreamAddr());
        if (r.upstreamStatus() != 0) number(sb, "upstream_status", r.upstreamStatus());
        if (r.upstreamNanos() >= 0) sb.append("\"upstream_response_time\":").append(seconds(r.upstreamNanos())).append(',');
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s.replace("\"", "\\x22");
    }

    private static String seconds(long nanos) {
        long millis = nanos / 1_000_000;
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }

    private static void number(StringBuilder sb, String name, long value) {
        sb.append('"').append(name).append("\":").append(value).append(',');
    }

    private static void field(StringBuilder sb, String name, String value) {
        if (value == null) return;
        sb.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append("\",");
    }
}
