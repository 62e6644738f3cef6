package io.kubeway.dataplane.http;

import io.kubeway.state.http.AuthCachePolicy;
import io.kubeway.state.http.ExternalAuth;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The auth service's answers kept for {@code auth-cache-key} / {@code auth-cache-duration} (nginx's
 * {@code proxy_cache} on ingress-nginx's auth location). An entry is keyed by a SHA-256 of the auth call (URL,
 * method), the route (host and path: ingress-nginx's per-location keyspace) and the key template's value for the
 * request, so neither a changed auth-url nor another route ever finds it. As nginx's cache does by default, an answer
 * is not kept when it sets a cookie ({@code Set-Cookie}), says {@code Cache-Control: no-store, no-cache, private}
 * or {@code Vary: *}; its {@code Cache-Control: max-age} replaces the configured time. Only what the engine uses is
 * kept: the status, {@code WWW-Authenticate} and the headers of {@code auth-response-headers}. Bounded for the whole
 * process in entries ({@link #MAX_ENTRIES}) and bytes ({@link #MAX_BYTES}; an answer over {@link #MAX_ENTRY_BYTES}
 * is not kept): when full, expired entries go, and if that is not enough the cache starts over.
 */
final class AuthAnswerCache {
    static final int MAX_ENTRIES = 10_000;
    static final long MAX_BYTES = 16L << 20;
    static final int MAX_ENTRY_BYTES = 8 * 1024;
    /** Shared by every route: one bound for the whole process. */
    static final AuthAnswerCache SHARED = new AuthAnswerCache(System::nanoTime, MAX_ENTRIES, MAX_BYTES);

    private record Entry(ExternalAuthCall.Answer answer, long expiresNanos, int bytes) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final LongSupplier nanoClock;
    private final int maxEntries;
    private final long maxBytes;

    AuthAnswerCache(LongSupplier nanoClock, int maxEntries, long maxBytes) {
        this.nanoClock = nanoClock;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cache key of one request: the auth call, the route, and the key template's value. */
    static String key(ExternalAuth spec, String routeHost, String routePath, String value) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(spec.url(), String.valueOf(spec.method()), String.join(",", spec.responseHeaders()),
                    routeHost, routePath, value)) {
                d.update(part.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kept answer, or null. */
    ExternalAuthCall.@Nullable Answer get(String key) {
        Entry e = entries.get(key);
        if (e == null) return null;
        if (nanoClock.getAsLong() - e.expiresNanos >= 0) {
            if (entries.remove(key, e)) bytes.addAndGet(-e.bytes);
            return null;
        }
        return e.answer;
    }

    /** Keeps {@code a} when the policy and the answer's own headers allow it. */
    void put(String key, ExternalAuth spec, AuthCachePolicy policy, ExternalAuthCall.Answer a) {
        Duration ttl = ttl(policy, a);
        if (ttl == null) return;
        HttpHeaders kept = new DefaultHttpHeaders();
        int size = 64 + key.length();
        for (String name : spec.responseHeaders()) {
            for (String v : a.headers().getAll(name)) {
                kept.add(name, v);
                size += name.length() + v.length();
            }
        }
        String challenge = a.headers().get(HttpHeaderNames.WWW_AUTHENTICATE);
        if (challenge != null) {
            kept.set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
            size += challenge.length() + 16;
        }
        if (size > MAX_ENTRY_BYTES) return;
        long now = nanoClock.getAsLong();
        if (entries.size() >= maxEntries || bytes.get() + size > maxBytes) {
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                if (now - e.getValue().expiresNanos >= 0 && entries.remove(e.getKey(), e.getValue())) {
                    bytes.addAndGet(-e.getValue().bytes);
                }
            }
            if (entries.size() >= maxEntries || bytes.get() + size > maxBytes) clear();
        }
        Entry before = entries.put(key, new Entry(new ExternalAuthCall.Answer(a.status(), kept), now + ttl.toNanos(),
                size));
        bytes.addAndGet(size - (before == null ? 0 : before.bytes));
    }

    /** nginx's rules: no caching of a cookie-setting or uncacheable answer; max-age wins over the configured time. */
    static @Nullable Duration ttl(AuthCachePolicy policy, ExternalAuthCall.Answer a) {
        Duration ttl = policy.ttl(a.status());
        if (ttl == null) return null;
        HttpHeaders h = a.headers();
        if (h.contains(HttpHeaderNames.SET_COOKIE) || "*".equals(h.get(HttpHeaderNames.VARY))) return null;
        String cc = h.get(HttpHeaderNames.CACHE_CONTROL);
        if (cc != null) {
            for (String directive : cc.toLowerCase(Locale.ROOT).split(",")) {
                String d = directive.strip();
                if (d.equals("no-store") || d.equals("no-cache") || d.equals("private")) return null;
                if (d.startsWith("max-age=")) {
                    try {
                        long s = Long.parseLong(d.substring(8).strip());
                        if (s <= 0) return null;
                        ttl = Duration.ofSeconds(Math.min(s, AuthCachePolicy.MAX_VALIDITY.toSeconds()));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
        }
        return ttl;
    }

    void clear() {
        entries.clear();
        bytes.set(0);
    }

    int size() {
        return entries.size();
    }
}
