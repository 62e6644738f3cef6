package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision.EndpointAffinity.Cookie;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** The sticky cookie: its attributes, ingress-nginx's user-agent list, balanced and persistent, change on failure. */
class StickySessionTest {
    static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
    final EndpointPicker picker = new EndpointPicker(Clock.fixed(NOW, ZoneOffset.UTC));

    static Cookie cookie(Cookie.Mode mode, boolean changeOnFailure) {
        return new Cookie("route", "/", 0, 0, null, null, false, false, changeOnFailure, mode);
    }

    static HttpCluster cluster(int n) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= n; i++) eps.add(new Endpoint(ip("10.0.1." + i), 8080, "demo/pod-" + i));
        return new HttpCluster("demo/web:80", eps, BackendProtocol.HTTP);
    }

    static RequestView request(String cookie) {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        if (cookie != null) h.add("Cookie", cookie);
        return new NettyRequestView("shop", "/", null, "GET", h, ip("192.0.2.1"), false);
    }

    @Test
    void attributesInIngressNginxsOrder() {
        Cookie all = new Cookie("SESSION", "/shop", 3600, 7200, "example.com", Cookie.SameSite.STRICT, false, true, false,
                Cookie.Mode.BALANCED);
        assertThat(StickySession.format(all, "k1", false, null, NOW)).isEqualTo("SESSION=k1; Expires=Wed, 04 Mar 2026 "
                + "07:06:07 GMT; Max-Age=3600; Domain=example.com; Path=/shop; Secure; HttpOnly; SameSite=Strict");
        Cookie plain = new Cookie("INGRESSCOOKIE", "/", 0);
        assertThat(StickySession.format(plain, "k2", false, null, NOW)).isEqualTo("INGRESSCOOKIE=k2; Path=/; HttpOnly");
        // Secure over HTTPS without session-cookie-secure, as ingress-nginx ($https = on)
        assertThat(StickySession.format(plain, "k2", true, null, NOW)).isEqualTo("INGRESSCOOKIE=k2; Path=/; Secure; HttpOnly");
        Cookie lax = new Cookie("c", "/", 0, 0, null, Cookie.SameSite.LAX, false, false, false, Cookie.Mode.BALANCED);
        assertThat(StickySession.format(lax, "v", false, null, NOW)).isEqualTo("c=v; Path=/; HttpOnly; SameSite=Lax");
        // the day is two digits
        assertThat(StickySession.format(new Cookie("c", "/", 0, 1, null, null, false, false, false, Cookie.Mode.BALANCED),
                "v", false, null, Instant.parse("2026-01-02T00:00:00Z"))).isEqualTo("c=v; Expires=Fri, 02 Jan 2026 "
                + "00:00:01 GMT; Path=/; HttpOnly");
    }

    /** ingress-nginx's same_site_test.lua cases, and the attribute they decide. */
    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2704.103 Safari/537.36|false",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36|false",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/66.0.2704.103 Safari/537.36|false",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 12_0 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) CriOS/56.0.2924.75 Mobile/14E5239e Safari/602.1|false",
            "Mozilla/5.0 (iPad; CPU OS 12_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Mobile/15E148 Safari/604.1|false",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Safari/605.1.15|false",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.2704.103 Safari/537.36|true",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.2704.103 Safari/537.36|true",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 13_0 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) CriOS/56.0.2924.75 Mobile/14E5239e Safari/602.1|true",
            "Mozilla/5.0 (iPad; CPU OS 13_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Mobile/15E148 Safari/604.1|true",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.4 Safari/605.1.15|true",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.117 Safari/537.36|true",
            "curl/8.5.0|true"})
    void conditionalSameSiteNoneFollowsIngressNginxsList(String userAgent, boolean compatible) {
        assertThat(SameSiteNone.compatible(userAgent)).isEqualTo(compatible);
        Cookie none = new Cookie("c", "/", 0, 0, null, Cookie.SameSite.NONE, true, true, false, Cookie.Mode.BALANCED);
        assertThat(StickySession.format(none, "v", false, userAgent, NOW))
                .isEqualTo("c=v; Path=/; Secure; HttpOnly" + (compatible ? "; SameSite=None" : ""));
        Cookie always = new Cookie("c", "/", 0, 0, null, Cookie.SameSite.NONE, false, true, false, Cookie.Mode.BALANCED);
        assertThat(StickySession.format(always, "v", false, userAgent, NOW))
                .isEqualTo("c=v; Path=/; Secure; HttpOnly; SameSite=None");
    }

    @Test
    void noUserAgentIsCompatible() {
        assertThat(SameSiteNone.compatible(null)).isTrue();
    }

    @Test
    void balancedKeysStickAndRebalanceWhenEndpointsScaleWhilePersistentOnesStay() {
        HttpCluster four = cluster(4);
        HttpCluster eight = cluster(8);
        Map<String, Endpoint> balanced = new HashMap<>();
        Map<String, Endpoint> persistent = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            Candidates b = picker.candidates(four, cookie(Cookie.Mode.BALANCED, false), request(null));
            Endpoint e = b.next();
            String set = b.cookieToSet();
            assertThat(set).matches("route=[0-9a-f]{16}; Path=/; HttpOnly");
            balanced.put(set.substring(0, set.indexOf(';')), e);
            Candidates p = picker.candidates(four, cookie(Cookie.Mode.PERSISTENT, false), request(null));
            Endpoint pe = p.next();
            String pset = p.cookieToSet();
            assertThat(pset).isEqualTo("route=" + EndpointIds.cookieValue(pe) + "; Path=/; HttpOnly");
            persistent.put(pset.substring(0, pset.indexOf(';')), pe);
        }
        assertThat(new HashSet<>(balanced.values())).hasSize(4);
        int moved = 0;
        for (Map.Entry<String, Endpoint> e : balanced.entrySet()) {
            Candidates same = picker.candidates(four, cookie(Cookie.Mode.BALANCED, false), request(e.getKey()));
            assertThat(same.next()).isEqualTo(e.getValue());
            assertThat(same.cookieToSet()).isNull();
            Candidates scaled = picker.candidates(eight, cookie(Cookie.Mode.BALANCED, false), request(e.getKey()));
            Endpoint now = scaled.next();
            assertThat(scaled.cookieToSet()).as("the key stays; its endpoint may change").isNull();
            if (!now.equals(e.getValue())) {
                moved++;
                assertThat(four.endpoints()).as("keys move only to the new endpoints").doesNotContain(now);
            }
        }
        assertThat(moved).as("about half the sessions move to the 4 new endpoints").isBetween(120, 280);
        persistent.forEach((cookie, ep) -> {
            Candidates scaled = picker.candidates(eight, cookie(Cookie.Mode.PERSISTENT, false), request(cookie));
            assertThat(scaled.next()).isEqualTo(ep);
            assertThat(scaled.cookieToSet()).isNull();
        });
    }

    @Test
    void withoutChangeOnFailureAFailedCookieEndpointEndsTheRequest() {
        HttpCluster c = cluster(3);
        for (Cookie.Mode mode : Cookie.Mode.values()) {
            Candidates first = picker.candidates(c, cookie(mode, false), request(null));
            Endpoint chosen = first.next();
            String cookie = first.cookieToSet().substring(0, first.cookieToSet().indexOf(';'));
            Candidates pinned = picker.candidates(c, cookie(mode, false), request(cookie));
            assertThat(pinned.next()).as(mode.name()).isEqualTo(chosen);
            assertThat(pinned.next()).as(mode + ": no other endpoint is tried").isNull();
            assertThat(pinned.cookieToSet()).isNull();
        }
    }

    @Test
    void withChangeOnFailureTheRetryGetsANewCookie() {
        HttpCluster c = cluster(3);
        for (Cookie.Mode mode : Cookie.Mode.values()) {
            Candidates first = picker.candidates(c, cookie(mode, true), request(null));
            Endpoint chosen = first.next();
            String cookie = first.cookieToSet().substring(0, first.cookieToSet().indexOf(';'));
            Candidates pinned = picker.candidates(c, cookie(mode, true), request(cookie));
            assertThat(pinned.next()).isEqualTo(chosen);
            Set<Endpoint> tried = new HashSet<>(List.of(chosen));
            Endpoint retry = pinned.next();
            assertThat(retry).as(mode.name()).isNotNull().isNotEqualTo(chosen);
            tried.add(retry);
            String reissued = pinned.cookieToSet();
            assertThat(reissued).isNotNull().doesNotStartWith(cookie + ";");
            String newCookie = reissued.substring(0, reissued.indexOf(';'));
            assertThat(picker.candidates(c, cookie(mode, true), request(newCookie)).next())
                    .as(mode + ": the new cookie leads to the endpoint that answered").isEqualTo(retry);
            for (Endpoint e = pinned.next(); e != null; e = pinned.next()) assertThat(tried.add(e)).isTrue();
        }
    }

    @Test
    void aNewSessionMovesOnAfterAFailureEvenWithoutChangeOnFailure() {
        HttpCluster c = cluster(3);
        for (Cookie.Mode mode : Cookie.Mode.values()) {
            Candidates fresh = picker.candidates(c, cookie(mode, false), request(null));
            Endpoint a = fresh.next();
            Endpoint b = fresh.next();
            assertThat(b).as(mode.name()).isNotNull().isNotEqualTo(a);
            String set = fresh.cookieToSet();
            assertThat(picker.candidates(c, cookie(mode, false), request(set.substring(0, set.indexOf(';')))).next())
                    .isEqualTo(b);
        }
    }
}
