package io.kubeway.dataplane.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure header rules: client address, hop-by-hop removal, forwarded headers, request targets, hosts. */
class ForwardingTest {
    static final CidrSet TRUSTED = CidrSet.parse(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.1"));

    record ClientIpCase(String name, String peer, List<String> xff, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ClientIpCase> clientIps() {
        return Stream.of(
                new ClientIpCase("untrusted peer ignores XFF", "198.51.100.1", List.of("1.2.3.4"), "198.51.100.1"),
                new ClientIpCase("trusted peer without XFF", "10.1.1.1", List.of(), "10.1.1.1"),
                new ClientIpCase("trusted peer, one hop", "10.1.1.1", List.of("1.2.3.4"), "1.2.3.4"),
                new ClientIpCase("skips trusted hops from the right", "10.1.1.1", List.of("1.2.3.4, 10.2.2.2", "192.0.2.1"), "1.2.3.4"),
                new ClientIpCase("right-most untrusted wins over spoofed left", "10.1.1.1", List.of("6.6.6.6, 1.2.3.4"), "1.2.3.4"),
                new ClientIpCase("all trusted: left-most", "10.1.1.1", List.of("10.3.3.3, 10.2.2.2"), "10.3.3.3"),
                new ClientIpCase("garbage ends the walk", "10.1.1.1", List.of("1.2.3.4, unknown, 10.2.2.2"), "10.2.2.2"),
                new ClientIpCase("ports and brackets", "10.1.1.1", List.of("[2001:db8::1]:443"), "2001:db8::1"),
                new ClientIpCase("IPv4 with port", "10.1.1.1", List.of("1.2.3.4:5678"), "1.2.3.4"),
                new ClientIpCase("IPv4-mapped trusted peer", "::ffff:10.1.1.1", List.of("1.2.3.4"), "1.2.3.4"));
    }

    @ParameterizedTest
    @MethodSource("clientIps")
    void clientIp(ClientIpCase c) {
        assertThat(Forwarding.clientIp(CidrSet.unmap(ip(c.peer)), c.xff, TRUSTED)).isEqualTo(ip(c.expected));
    }

    record HopCase(String name, Map<String, String> in, boolean keepUpgrade, Map<String, String> out) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<HopCase> hopByHop() {
        return Stream.of(
                new HopCase("connection and named headers", Map.of("Connection", "close, X-A", "X-A", "1", "X-B", "2"),
                        false, Map.of("x-b", "2")),
                new HopCase("tokens trimmed, empty ones skipped, any case; a header named close goes",
                        Map.of("Connection", "Keep-Alive ,\tCLOSE,  x-a  , ,UpGrade", "close", "c", "X-A", "1",
                                "Keep-Alive", "5", "Upgrade", "h2c", "X-B", "2"), false, Map.of("x-b", "2")),
                new HopCase("upgrade named but kept for websocket, keep-alive still goes",
                        Map.of("Connection", "keep-alive, Upgrade", "Keep-Alive", "5", "Upgrade", "websocket"), true,
                        Map.of("upgrade", "websocket")),
                new HopCase("framing is never named away",
                        Map.of("Connection", "Content-Length, Transfer-Encoding, Host", "Content-Length", "3", "Host", "h"),
                        false, Map.of("content-length", "3", "host", "h")),
                new HopCase("keep-alive, proxy-*, proxy, trailer", Map.of("Keep-Alive", "5", "Proxy-Connection", "x",
                        "Proxy-Authorization", "y", "Proxy", "z", "Trailer", "t", "Proxyish", "kept"), false,
                        Map.of("proxyish", "kept")),
                new HopCase("te keeps trailers only", Map.of("TE", "deflate, trailers;q=1"), false, Map.of("te", "trailers")),
                new HopCase("te without trailers goes", Map.of("TE", "gzip"), false, Map.of()),
                new HopCase("upgrade removed", Map.of("Upgrade", "h2c"), false, Map.of()),
                new HopCase("upgrade kept for websocket", Map.of("Upgrade", "websocket", "Connection", "Upgrade"), true,
                        Map.of("upgrade", "websocket")),
                new HopCase("netty's http2 conversion headers", Map.of("x-http2-stream-id", "3", "x-http2-scheme", "https"),
                        false, Map.of()));
    }

    @ParameterizedTest
    @MethodSource("hopByHop")
    void stripsHopByHop(HopCase c) {
        HttpHeaders h = new DefaultHttpHeaders();
        c.in.forEach(h::add);
        Forwarding.stripHopByHop(h, c.keepUpgrade);
        Map<String, String> out = new TreeMap<>();
        h.forEach(e -> out.put(e.getKey().toLowerCase(), e.getValue()));
        assertThat(out).isEqualTo(new TreeMap<>(c.out));
    }

    @Test
    void forwardedHeadersFromTrustedAndUntrustedPeers() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.add("X-Forwarded-For", "1.2.3.4");
        h.add("X-Forwarded-Proto", "https");
        h.add("X-Forwarded-Host", "outer");
        Forwarding.addForwarded(h, ip("10.0.0.9"), true, ip("1.2.3.4"), false, "inner:8080", 80, "id1");
        assertThat(h.get("x-forwarded-for")).isEqualTo("1.2.3.4, 10.0.0.9");
        assertThat(h.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(h.get("x-forwarded-host")).isEqualTo("outer");
        assertThat(h.get("x-forwarded-port")).isEqualTo("80");
        assertThat(h.get("x-real-ip")).isEqualTo("1.2.3.4");
        HttpHeaders alone = new DefaultHttpHeaders().add("X-Forwarded-For", "9.9.9.9, 1.2.3.4");
        Forwarding.addForwarded(alone, ip("10.0.0.9"), true, ip("1.2.3.4"), false, "inner", 80, "id3", false);
        assertThat(alone.get("x-forwarded-for")).as("compute-full-forwarded-for false: $remote_addr")
                .isEqualTo("1.2.3.4");

        HttpHeaders u = new DefaultHttpHeaders();
        u.add("X-Forwarded-For", "1.2.3.4");
        u.add("X-Forwarded-Proto", "https");
        u.add("X-Real-IP", "1.2.3.4");
        Forwarding.addForwarded(u, ip("2001:db8::7"), false, ip("2001:db8::7"), true, "inner", 443, "id2");
        assertThat(u.get("x-forwarded-for")).isEqualTo("2001:db8::7");
        assertThat(u.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(u.get("x-forwarded-host")).isEqualTo("inner");
        assertThat(u.get("x-real-ip")).isEqualTo("2001:db8::7");
        assertThat(u.get("x-request-id")).isEqualTo("id2");
    }

    record TargetCase(String uri, String path, String query, String authority) {
        @Override
        public String toString() {
            return uri;
        }
    }

    static Stream<TargetCase> targets() {
        return Stream.of(
                new TargetCase("/", "/", null, null),
                new TargetCase("/a/b?x=1&y", "/a/b", "x=1&y", null),
                new TargetCase("/a?", "/a", "", null),
                new TargetCase("/a#frag", "/a", null, null),
                new TargetCase("/api/../admin", "/admin", null, null),
                new TargetCase("/api/%2e%2e/admin", "/admin", null, null),
                new TargetCase("/api/.%2E/admin/", "/admin/", null, null),
                new TargetCase("/../../etc", "/etc", null, null),
                new TargetCase("/a/./b/.", "/a/b/", null, null),
                new TargetCase("/a/..", "/", null, null),
                new TargetCase("/a..b/...", "/a..b/...", null, null),
                new TargetCase("//double//slash", "//double//slash", null, null),
                new TargetCase("http://Shop.Example:8080/p?q", "/p", "q", "Shop.Example:8080"),
                new TargetCase("https://h", "/", null, "h"),
                new TargetCase("HTTP://h?q", "/", "q", "h"));
    }

    @ParameterizedTest
    @MethodSource("targets")
    void requestTargets(TargetCase c) {
        RequestTarget t = RequestTarget.parse(c.uri);
        assertThat(t).isEqualTo(new RequestTarget(c.path, c.query, c.authority));
    }

    @Test
    void unusableTargets() {
        for (String bad : List.of("*", "", "ftp://h/", "example.com:443", "http://user@h/", "http:///x")) {
            assertThat(RequestTarget.parse(bad)).as(bad).isNull();
        }
    }

    @Test
    void hostsLoseTheirPortCaseAndTrailingDot() {
        assertThat(NettyRequestView.hostOf("Shop.Example.COM:8080")).isEqualTo("shop.example.com");
        assertThat(NettyRequestView.hostOf("shop.example.com.")).isEqualTo("shop.example.com");
        assertThat(NettyRequestView.hostOf("[2001:DB8::1]:443")).isEqualTo("[2001:db8::1]");
        assertThat(NettyRequestView.hostOf(null)).isEmpty();
    }

    @Test
    void cookies() {
        assertThat(NettyRequestView.parseCookies(List.of("a=1; b=\"two\"; =x; c", "a=3; d=")))
                .isEqualTo(Map.of("a", "1", "b", "two", "d", ""));
    }

    @Test
    void cidrSets() {
        assertThat(TRUSTED.contains(ip("10.255.0.1"))).isTrue();
        assertThat(TRUSTED.contains(ip("11.0.0.1"))).isFalse();
        assertThat(TRUSTED.contains(ip("192.0.2.1"))).isTrue();
        assertThat(TRUSTED.contains(ip("192.0.2.2"))).isFalse();
        assertThat(TRUSTED.contains(ip("fd12::1"))).isTrue();
        assertThat(TRUSTED.contains(ip("::ffff:10.0.0.1"))).isTrue();
        assertThat(CidrSet.parse(List.of("0.0.0.0/0")).contains(ip("8.8.8.8"))).isTrue();
        assertThat(CidrSet.parse(List.of("10.0.0.0/9")).contains(ip("10.128.0.1"))).isFalse();
        assertThatThrownBy(() -> CidrSet.parse(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CidrSet.parse(List.of("example.com"))).hasMessageContaining("example.com");
    }
}
