package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision.EndpointAffinity.Cookie;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * One request's sticky cookie (ingress-nginx's {@code affinity: cookie}, as its Lua balancer sticky.lua does it):
 * which endpoint the cookie chooses, where a retry goes, and the {@code Set-Cookie} the response carries.
 *
 * <ul>
 *   <li>{@link Cookie.Mode#PERSISTENT}: the cookie names its endpoint ({@link EndpointIds#cookieValue}); while that
 *       endpoint exists it gets the request, else round robin picks one and the cookie is set anew.</li>
 *   <li>{@link Cookie.Mode#BALANCED}: the cookie holds a random key; its endpoint is the key's rendezvous-hash
 *       choice among the current endpoints, so a key keeps its endpoint until the endpoints change, and then
 *       only some keys move (the load rebalances). A request without the cookie gets a new random key.</li>
 *   <li>Failure: when the endpoint the request's cookie chose fails to connect, the request fails (502) unless
 *       {@code changeOnFailure}, which tries the other endpoints and sets the cookie to the one that answers
 *       (balanced: a new key, drawn until its choice is an endpoint not tried yet, at most
 *       {@link #MAX_KEY_DRAWS} times, as ingress-nginx). A request whose cookie chose nothing always moves on.</li>
 * </ul>
 * The response sets the cookie only when it changed: {@code name=value; Expires; Max-Age; Domain; Path; Secure;
 * HttpOnly; SameSite}, in the order of ingress-nginx's cookie library. {@code Secure} is set over HTTPS (or
 * always with {@code session-cookie-secure}); {@code SameSite=None} is left out for the user agents
 * {@link SameSiteNone} lists when {@code session-cookie-conditional-samesite-none} asks for it.
 * Not thread-safe; one per request.
 */
final class StickySession {
    /** How many random keys a balanced retry draws to find an endpoint not tried yet (ingress-nginx: 20). */
    static final int MAX_KEY_DRAWS = 20;
    /** RFC 6265's cookie date (IMF-fixdate). */
    private static final DateTimeFormatter COOKIE_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Cookie cookie;
    private final List<Endpoint> endpoints;
    private final RequestView request;
    private final Instant pickedAt;
    /** The request's cookie chose the first endpoint. */
    private final boolean pinned;
    private final int first;
    /** The cookie value for the endpoint in use, and whether the response must set it. */
    private String value;
    private boolean changed;
    private boolean @Nullable [] tried;

    private StickySession(Cookie cookie, List<Endpoint> endpoints, RequestView request, Instant pickedAt,
                          boolean pinned, int first, String value, boolean changed) {
        this.cookie = cookie;
        this.endpoints = endpoints;
        this.request = request;
        this.pickedAt = pickedAt;
        this.pinned = pinned;
        this.first = first;
        this.value = value;
        this.changed = changed;
    }

    /** The first choice for a request; {@code roundRobin} gives the next index when nothing else decides. */
    static StickySession pick(Cookie c, List<Endpoint> eps, RequestView request, IntSupplier roundRobin,
                              Instant now) {
        String sent = request.cookie(c.name());
        if (c.mode() == Cookie.Mode.PERSISTENT) {
            if (sent != null) {
                for (int i = 0; i < eps.size(); i++) {
                    if (EndpointIds.cookieValue(eps.get(i)).equals(sent)) {
                        return new StickySession(c, eps, request, now, true, i, sent, false);
                    }
                }
            }
            int i = roundRobin.getAsInt();
            return new StickySession(c, eps, request, now, false, i, EndpointIds.cookieValue(eps.get(i)), true);
        }
        if (sent != null && !sent.isEmpty()) {
            return new StickySession(c, eps, request, now, true, winner(eps, sent), sent, false);
        }
        String key = newKey();
        return new StickySession(c, eps, request, now, false, winner(eps, key), key, true);
    }

    int first() {
        return first;
    }

    /**
     * The endpoint of attempt {@code k} (1 for the first retry) after the earlier ones failed, each endpoint at most
     * once; null when there is none to try.
     */
    @Nullable Endpoint retry(int k) {
        if (pinned && !cookie.changeOnFailure()) return null;
        int n = endpoints.size();
        if (cookie.mode() == Cookie.Mode.PERSISTENT) {
            Endpoint e = endpoints.get((first + k) % n);
            value = EndpointIds.cookieValue(e);
            changed = true;
            return e;
        }
        if (tried == null) {
            tried = new boolean[n];
            tried[first] = true;
        }
        for (int draw = 0; draw < MAX_KEY_DRAWS; draw++) {
            String key = newKey();
            int i = winner(endpoints, key);
            if (!tried[i]) {
                tried[i] = true;
                value = key;
                changed = true;
                return endpoints.get(i);
            }
        }
        return null;
    }

    /** The {@code Set-Cookie} value for the response, or null when the request's cookie stays right. */
    @Nullable String setCookie() {
        return changed ? format(cookie, value, request.tls(), request.header("user-agent"), pickedAt) : null;
    }

    /** {@code Set-Cookie} for {@code value} with the cookie's attributes. */
    static String format(Cookie c, String value, boolean tls, @Nullable String userAgent, Instant now) {
        StringBuilder sb = new StringBuilder(c.name()).append('=').append(value);
        if (c.expiresSeconds() > 0) {
            sb.append("; Expires=").append(COOKIE_DATE.format(now.plusSeconds(c.expiresSeconds())));
        }
        if (c.maxAgeSeconds() > 0) sb.append("; Max-Age=").append(c.maxAgeSeconds());
        if (c.domain() != null) sb.append("; Domain=").append(c.domain());
        sb.append("; Path=").append(c.path().isEmpty() ? "/" : c.path());
        if (c.secure() || tls) sb.append("; Secure");
        sb.append("; HttpOnly");
        Cookie.SameSite s = c.sameSite();
        if (s != null && !(s == Cookie.SameSite.NONE && c.conditionalSameSiteNone()
                && !SameSiteNone.compatible(userAgent))) {
            sb.append("; SameSite=").append(s.text());
        }
        return sb.toString();
    }

    /** The endpoint a balanced key chooses: the highest rendezvous score. */
    static int winner(List<Endpoint> eps, String key) {
        long k = EndpointIds.hash(key);
        int best = 0;
        long bestScore = 0;
        for (int i = 0; i < eps.size(); i++) {
            long score = EndpointIds.mix(k ^ EndpointIds.hash(eps.get(i)));
            if (i == 0 || Long.compareUnsigned(score, bestScore) > 0) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    private static String newKey() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
