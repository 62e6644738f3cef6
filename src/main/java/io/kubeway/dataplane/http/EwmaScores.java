package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code load-balance: ewma}, as ingress-nginx's balancer/ewma.lua: each endpoint keeps an exponentially weighted
 * moving average of its response times that decays with a 10 s time constant ({@code ewma * w + rtt * (1 - w)},
 * {@code w = exp(-elapsed / 10 s)}); a pick takes two endpoints at random and keeps the one whose average, decayed
 * to now, is lower (power of two choices, so a slow endpoint still gets some traffic and recovers). An endpoint
 * never measured scores 0. The response time is measured to the response head. Shared by every event loop; at
 * most {@link #MAX_ENDPOINTS} endpoints are remembered (past that the scores start over).
 */
final class EwmaScores {
    static final int MAX_ENDPOINTS = 65_536;
    static final double DECAY_NANOS = 10e9;

    private static final class Score {
        double ewma;
        long touchedNanos;
    }

    private final ConcurrentHashMap<Endpoint, Score> scores = new ConcurrentHashMap<>();

    /** The index of the endpoint to try first. */
    int pick(List<Endpoint> endpoints, long nowNanos) {
        int n = endpoints.size();
        if (n == 1) return 0;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int a = r.nextInt(n);
        int b = r.nextInt(n - 1);
        if (b >= a) b++;
        return score(endpoints.get(b), nowNanos) < score(endpoints.get(a), nowNanos) ? b : a;
    }

    /** The endpoint's average decayed to {@code nowNanos}. */
    double score(Endpoint e, long nowNanos) {
        Score s = scores.get(e);
        if (s == null) return 0;
        synchronized (s) {
            return decayed(s, 0, nowNanos);
        }
    }

    /** Records a response time. */
    void observe(Endpoint e, long rttNanos, long nowNanos) {
        Score s = scores.get(e);
        if (s == null) {
            if (scores.size() >= MAX_ENDPOINTS) scores.clear();
            s = scores.computeIfAbsent(e, k -> new Score());
        }
        synchronized (s) {
            s.ewma = s.touchedNanos == 0 ? rttNanos : decayed(s, rttNanos, nowNanos);
            s.touchedNanos = nowNanos;
        }
    }

    private static double decayed(Score s, double rtt, long nowNanos) {
        long elapsed = Math.max(0, nowNanos - s.touchedNanos);
        double w = Math.exp(-elapsed / DECAY_NANOS);
        return s.ewma * w + rtt * (1 - w);
    }
}
