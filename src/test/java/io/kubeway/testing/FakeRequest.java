package io.kubeway.testing;

import io.kubeway.core.IpLiterals;
import io.kubeway.state.http.RequestView;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request as the HTTP engine would present it (for router tests); immutable, with withers. */
public record FakeRequest(String host, String path, String query, String method, Map<String, String> headers,
                   Map<String, String> cookies, InetAddress clientIp, boolean tls) implements RequestView {

    public static FakeRequest get(String host, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return new FakeRequest(host, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
                q < 0 ? null : pathAndQuery.substring(q + 1), "GET", Map.of(), Map.of(),
                IpLiterals.of("192.0.2.10"), false);
    }

    public FakeRequest withHeader(String name, String value) {
        Map<String, String> h = new HashMap<>(headers);
        h.put(name.toLowerCase(Locale.ROOT), value);
        return new FakeRequest(host, path, query, method, h, cookies, clientIp, tls);
    }

    public FakeRequest withCookie(String name, String value) {
        Map<String, String> c = new HashMap<>(cookies);
        c.put(name, value);
        return new FakeRequest(host, path, query, method, headers, c, clientIp, tls);
    }

    public FakeRequest withHost(String h) {
        return new FakeRequest(h, path, query, method, headers, cookies, clientIp, tls);
    }

    public FakeRequest withMethod(String m) {
        return new FakeRequest(host, path, query, m, headers, cookies, clientIp, tls);
    }

    public FakeRequest withClient(String ip) {
        return new FakeRequest(host, path, query, method, headers, cookies, IpLiterals.of(ip), tls);
    }

    public FakeRequest overTls() {
        return new FakeRequest(host, path, query, method, headers, cookies, clientIp, true);
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String cookie(String name) {
        return cookies.get(name);
    }
}
