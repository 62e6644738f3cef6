package io.kubeway.dataplane.http;

import io.kubeway.state.http.RouteDecision.RateLimit;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ingress-nginx's {@code limit-rps}, {@code limit-rpm} and {@code limit-connections}, per (scope, client IP): a token
 * bucket that refills {@code requestsPerSecond} tokens a second up to {@code max(burst, requestsPerSecond)} (nginx
 * {@code limit_req ... burst nodelay}), another for {@code requestsPerMinute} (each request needs a token from both),
 * and a count of the client's requests in flight (nginx {@code limit_conn}
 * counts connections that have a request being processed). Clients in {@code exemptCidrs} are not limited.
 *
 * <p>Memory is bounded: {@link #sweep} drops state of clients with nothing in flight whose bucket is full again,
 * and past {@link #MAX_CLIENTS} entries new clients are let through unlimited rather than tracked (failing open:
 * telling clients apart needs a TCP handshake from each address, so this takes a large real botnet).
 * Thread-safe; time comes from the injected clock.
 */
final class RateLimiter {
    static final int MAX_CLIENTS = 200_000;
    private static final int MAX_CACHED_CIDR_LISTS = 1024;

    private record Key(String scope, InetAddress ip) {}

    private static final class State {
        double tokens;
        long lastMillis;
        int inFlight;
        int capacity;
        double minuteTokens;
        long minuteLastMillis;
        int minuteCapacity;
    }

    /** What an admitted request holds; {@link #release()} once it is done. */
    interface Permit {
        Permit NONE = () -> { };

        void release();
    }

    private final ConcurrentHashMap<Key, State> clients = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, CidrSet> exemptions = new ConcurrentHashMap<>();

    /** A permit, or null if the request must be refused (503). */
    @Nullable Permit admit(RateLimit limit, InetAddress client, long nowMillis) {
        if (limit.requestsPerSecond() <= 0 && limit.connections() <= 0 && limit.requestsPerMinute() <= 0) {
            return Permit.NONE;
        }
        if (!limit.exemptCidrs().isEmpty() && exempt(limit.exemptCidrs()).contains(client)) return Permit.NONE;
        Key key = new Key(limit.scope(), CidrSet.unmap(client));
        State s = clients.get(key);
        if (s == null) {
            if (clients.size() >= MAX_CLIENTS) return Permit.NONE;
            s = clients.computeIfAbsent(key, k -> new State());
        }
        synchronized (s) {
            if (limit.requestsPerSecond() > 0) {
                int capacity = Math.max(limit.burst(), limit.requestsPerSecond());
                if (s.capacity != capacity || s.lastMillis == 0) {
                    s.capacity = capacity;
                    s.tokens = capacity;
                    s.lastMillis = nowMillis;
                }
                long elapsed = Math.max(0, nowMillis - s.lastMillis);
                s.tokens = Math.min(capacity, s.tokens + elapsed * limit.requestsPerSecond() / 1000.0);
                s.lastMillis = nowMillis;
                if (s.tokens < 1) return null;
            }
            if (limit.requestsPerMinute() > 0) {
                int capacity = Math.max(limit.burstPerMinute(), limit.requestsPerMinute());
                if (s.minuteCapacity != capacity || s.minuteLastMillis == 0) {
                    s.minuteCapacity = capacity;
                    s.minuteTokens = capacity;
                    s.minuteLastMillis = nowMillis;
                }
                long elapsed = Math.max(0, nowMillis - s.minuteLastMillis);
                s.minuteTokens = Math.min(capacity, s.minuteTokens + elapsed * limit.requestsPerMinute() / 60_000.0);
                s.minuteLastMillis = nowMillis;
                if (s.minuteTokens < 1) return null;
            }
            if (limit.connections() > 0 && s.inFlight >= limit.connections()) return null;
            if (limit.requestsPerSecond() > 0) s.tokens -= 1;
            if (limit.requestsPerMinute() > 0) s.minuteTokens -= 1;
            s.inFlight++;
        }
        State held = s;
        return new Permit() {
            private boolean released;

            @Override
            public void release() {
                if (released) return;
                released = true;
                synchronized (held) {
                    held.inFlight--;
                }
            }
        };
    }

    private CidrSet exempt(List<String> cidrs) {
        CidrSet set = exemptions.get(cidrs);
        if (set != null) return set;
        if (exemptions.size() >= MAX_CACHED_CIDR_LISTS) exemptions.clear();
        try {
            set = CidrSet.parse(cidrs);
        } catch (IllegalArgumentException e) {
            set = CidrSet.EMPTY; // the router validates; a bad entry exempts nobody
        }
        exemptions.put(cidrs, set);
        return set;
    }

    /** Forgets clients with nothing in flight whose bucket has refilled; run every few seconds. */
    void sweep(long nowMillis) {
        clients.values().removeIf(s -> {
            synchronized (s) {
                if (s.inFlight > 0) return false;
                // A bucket that would be full by now carries no information (a rate is at least 1 a second or minute).
                boolean second = s.capacity == 0 || nowMillis - s.lastMillis >= 1000L * s.capacity;
                boolean minute = s.minuteCapacity == 0 || nowMillis - s.minuteLastMillis >= 60_000L * s.minuteCapacity;
                return second && minute;
            }
        });
    }

    int size() {
        return clients.size();
    }
}
