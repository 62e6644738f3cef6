package io.kubeway.dataplane.http;

import io.kubeway.state.http.ClientCertificate;
import io.kubeway.state.http.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The router's view of one request, over the HTTP/1.1 or HTTP/2 (converted) request headers. */
final class NettyRequestView implements RequestView {
    private final String host;
    private final String path;
    private final @Nullable String query;
    private final String method;
    private final HttpHeaders headers;
    private final InetAddress clientIp;
    private final boolean tls;
    private @Nullable String serverName;
    private @Nullable ClientCertificate clientCertificate;
    private @Nullable Map<String, String> cookies;

    NettyRequestView(String host, String path, @Nullable String query, String method, HttpHeaders headers,
                     InetAddress clientIp, boolean tls) {
        this.host = host;
        this.path = path;
        this.query = query;
        this.method = method;
        this.headers = headers;
        this.clientIp = clientIp;
        this.tls = tls;
    }

    /**
     * The view of {@code req}: host from the absolute-form authority or Host; client address and TLS from the
     * connection, or from X-Forwarded-For (the connection's {@code forwarded-for-header}) / X-Forwarded-Proto when
     * the peer is a trusted proxy.
     */
    static NettyRequestView of(HttpRequest req, RequestTarget target, ClientConnection conn, CidrSet trusted,
                               @Nullable String hostHeader) {
        String authority = target.authority() != null ? target.authority() : hostHeader;
        List<String> xff = conn.peerTrusted() ? req.headers().getAll(conn.realIpHeader) : List.of();
        InetAddress clientIp = Forwarding.clientIp(conn.peer(), xff, trusted);
        boolean tls = conn.tls()
                || conn.peerTrusted() && "https".equalsIgnoreCase(req.headers().get(Forwarding.X_FORWARDED_PROTO));
        NettyRequestView v = new NettyRequestView(hostOf(authority), target.path(), target.query(), req.method().name(),
                req.headers(), clientIp, tls);
        v.serverName = conn.serverName;
        v.clientCertificate = conn.clientCertificate;
        return v;
    }

    /** A Host header value (or authority) without its port and trailing dot, lower-case; "" for null. */
    static String hostOf(@Nullable String authority) {
        if (authority == null || authority.isEmpty()) return "";
        String h;
        if (authority.charAt(0) == '[') {
            int end = authority.indexOf(']');
            h = end > 0 ? authority.substring(0, end + 1) : authority;
        } else {
            int colon = authority.lastIndexOf(':');
            h = colon >= 0 ? authority.substring(0, colon) : authority;
        }
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h.toLowerCase(Locale.ROOT);
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public @Nullable String query() {
        return query;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public @Nullable String header(String name) {
        return headers.get(name);
    }

    @Override
    public @Nullable String cookie(String name) {
        if (cookies == null) cookies = parseCookies(headers.getAll(HttpHeaderNames.COOKIE));
        return cookies.get(name);
    }

    @Override
    public InetAddress clientIp() {
        return clientIp;
    }

    @Override
    public boolean tls() {
        return tls;
    }

    @Override
    public @Nullable String serverName() {
        return serverName;
    }

    @Override
    public @Nullable ClientCertificate clientCertificate() {
        return clientCertificate;
    }

    /** {@code a=1; b="2"} → {a=1, b=2}; the first of repeated names wins, as browsers send the most specific first. */
    static Map<String, String> parseCookies(List<String> values) {
        if (values.isEmpty()) return Map.of();
        Map<String, String> m = new HashMap<>();
        for (String v : values) {
            for (String pair : v.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) continue;
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!name.isEmpty()) m.putIfAbsent(name, value);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return method + " " + host + path + (query == null ? "" : "?" + query);
    }
}
