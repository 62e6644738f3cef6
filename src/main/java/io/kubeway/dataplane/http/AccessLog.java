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

    AccessLog(String format) {
        this.format = format;
    }

    boolean enabled() {
        return !format.equals("off") && log.isInfoEnabled();
    }

    void log(RequestRecord r) {
        if (!enabled()) return;
        log.info(format.equals("json") ? json(r) : text(r));
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
