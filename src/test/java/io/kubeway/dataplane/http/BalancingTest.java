package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.FakeClock;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.RateLimit;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** Endpoint choice (round robin, cookie and hash affinity, retry order) and rate limits, without sockets. */
class BalancingTest {
    final EndpointPicker picker = new EndpointPicker(java.time.Clock.systemUTC());

    static HttpCluster cluster(int n) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= n; i++) eps.add(new Endpoint(ip("10.0.0." + i), 8080, "demo/pod-" + i));
        return new HttpCluster("demo/web:80", eps, BackendProtocol.HTTP);
    }

    static RequestView request(String cookie) {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        if (cookie != null) h.add("Cookie", cookie);
        return new NettyRequestView("shop", "/", null, "GET", h, ip("192.0.2.1"), false);
    }

    @Test
    void roundRobinSpreadsEvenlyAndRetriesEveryOtherEndpointOnce() {
        HttpCluster c = cluster(3);
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) counts.merge(picker.candidates(c, null, request(null)).next(), 1, Integer::sum);
        assertThat(counts.values()).containsOnly(100);

        Candidates order = picker.candidates(c, null, request(null));
        Set<Endpoint> tried = new HashSet<>();
        for (Endpoint e = order.next(); e != null; e = order.next()) assertThat(tried.add(e)).isTrue();
        assertThat(tried).hasSize(3);
    }

    @Test
    void persistentCookieAffinityFollowsTheCookieWhileItsEndpointExists() {
        HttpCluster c = cluster(4);
        EndpointAffinity.Cookie affinity = new EndpointAffinity.Cookie("route", "/shop", 3600, 0, null, null, false,
                false, false, EndpointAffinity.Cookie.Mode.PERSISTENT);
        Candidates first = picker.candidates(c, affinity, request(null));
        Endpoint chosen = first.next();
        String setCookie = first.cookieToSet();
        assertThat(setCookie).matches("route=[0-9a-f]{16}; Max-Age=3600; Path=/shop; HttpOnly");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        for (int i = 0; i < 10; i++) {
            Candidates again = picker.candidates(c, affinity, request("other=1; " + cookie));
            Endpoint e = again.next();
            assertThat(e).isEqualTo(chosen);
            assertThat(again.cookieToSet()).isNull();
        }
        // The endpoint left: another is picked and the cookie replaced.
        List<Endpoint> rest = new ArrayList<>(c.endpoints());
        rest.remove(chosen);
        HttpCluster shrunk = new HttpCluster(c.name(), rest, c.protocol());
        Candidates moved = picker.candidates(shrunk, affinity, request(cookie));
        Endpoint e = moved.next();
        assertThat(e).isNotEqualTo(chosen);
        assertThat(moved.cookieToSet()).startsWith("route=" + EndpointIds.cookieValue(e));
    }

    @Test
    void hashAffinityIsStickyAndMovesOnlyTheKeysOfARemovedEndpoint() {
        HttpCluster c = cluster(5);
        Map<String, Endpoint> before = new HashMap<>();
        for (int k = 0; k < 500; k++) {
            String key = "user-" + k;
            Endpoint e = picker.candidates(c, new EndpointAffinity.Hash(key), request(null)).next();
            assertThat(picker.candidates(c, new EndpointAffinity.Hash(key), request(null)).next()).isEqualTo(e);
            before.put(key, e);
        }
        assertThat(new HashSet<>(before.values())).hasSize(5);
        Endpoint removed = c.endpoints().get(2);
        List<Endpoint> rest = new ArrayList<>(c.endpoints());
        rest.remove(removed);
        HttpCluster shrunk = new HttpCluster(c.name(), rest, c.protocol());
        before.forEach((key, e) -> {
            Candidates cand = picker.candidates(shrunk, new EndpointAffinity.Hash(key), request(null));
            Endpoint now = cand.next();
            if (!e.equals(removed)) assertThat(now).as(key).isEqualTo(e);
            // retries under hash affinity go to the next best endpoints, each once
            Set<Endpoint> tried = new HashSet<>(List.of(now));
            for (Endpoint x = cand.next(); x != null; x = cand.next()) assertThat(tried.add(x)).isTrue();
            assertThat(tried).hasSize(4);
        });
    }

    @Test
    void rateLimitTokenBucketRefillsWithTheClock() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter();
        RateLimit limit = new RateLimit("demo/web", 2, 4, 0, List.of("192.0.2.128/25"));
        for (int i = 0; i < 4; i++) assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isTrue(); // the burst
        assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isFalse();
        assertThat(admitted(limiter, limit, "192.0.2.2", clock)).isTrue(); // per client
        assertThat(admitted(limiter, new RateLimit("other", 2, 4, 0, List.of()), "192.0.2.1", clock)).isTrue(); // per scope
        for (int i = 0; i < 10; i++) assertThat(admitted(limiter, limit, "192.0.2.200", clock)).isTrue(); // exempt
        clock.advance(Duration.ofMillis(500)); // one token back at 2/s
        assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isTrue();
        assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isFalse();

        assertThat(limiter.size()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(1));
        limiter.sweep(clock.millis());
        assertThat(limiter.size()).isZero();
    }

    @Test
    void perMinuteLimitNeedsItsOwnTokens() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter();
        RateLimit limit = new RateLimit("demo/web", 100, 500, 0, List.of(), 6, 3); // 6/min, at most 6 at once
        for (int i = 0; i < 6; i++) assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isTrue();
        assertThat(admitted(limiter, limit, "192.0.2.1", clock)).as("the per-second rate allows it").isFalse();
        clock.advance(Duration.ofSeconds(9)); // 6/min: one token every 10 s
        assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isTrue();
        assertThat(admitted(limiter, limit, "192.0.2.1", clock)).isFalse();
        clock.advance(Duration.ofSeconds(59));
        limiter.sweep(clock.millis());
        assertThat(limiter.size()).as("a per-minute bucket not yet full is kept").isEqualTo(1);
        clock.advance(Duration.ofMinutes(10));
        limiter.sweep(clock.millis());
        assertThat(limiter.size()).isZero();
    }

    private static boolean admitted(RateLimiter limiter, RateLimit limit, String ip, FakeClock clock) {
        RateLimiter.Permit p = limiter.admit(limit, ip(ip), clock.millis());
        if (p == null) return false;
        p.release();
        return true;
    }

    @Test
    void connectionLimitCountsRequestsInFlight() {
        RateLimiter limiter = new RateLimiter();
        RateLimit limit = new RateLimit("demo/web", 0, 0, 2, List.of());
        var client = ip("192.0.2.1");
        RateLimiter.Permit p1 = limiter.admit(limit, client, 1);
        RateLimiter.Permit p2 = limiter.admit(limit, client, 1);
        assertThat(limiter.admit(limit, client, 1)).isNull();
        p1.release();
        p1.release(); // idempotent
        assertThat(limiter.admit(limit, client, 1)).isNotNull();
        assertThat(limiter.admit(limit, client, 1)).isNull();
        p2.release();
        limiter.sweep(1);
        assertThat(limiter.size()).isEqualTo(1); // one permit still held
    }
}
