package io.kubeway.state.http.routing;

import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.Forward;
import io.kubeway.state.http.RouteDecision.Respond;
import io.kubeway.state.http.Timeouts;

import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/** Compact renderings of decisions for table-driven expectations, and a fixed random source. */
final class Decisions {
    private Decisions() {
    }

    /**
     * {@code 403}, {@code 308 {Location=...}}, or {@code fwd web /path} followed by what differs from the defaults:
     * {@code set=}, {@code add=}, {@code timeouts=}, {@code max=}, {@code affinity=}, {@code limit=}.
     */
    static String render(RouteDecision d) {
        return switch (d) {
            case Respond r -> r.status() + (r.headers().isEmpty() ? "" : " " + new TreeMap<>(r.headers()));
            case Forward f -> forward(f);
        };
    }

    private static String forward(Forward f) {
        StringBuilder sb = new StringBuilder("fwd ").append(Tables.describe(f)).append(' ').append(f.upstreamPath());
        if (!f.setRequestHeaders().isEmpty()) sb.append(" set=").append(sorted(f.setRequestHeaders()));
        if (!f.addResponseHeaders().isEmpty()) sb.append(" add=").append(sorted(f.addResponseHeaders()));
        if (!f.timeouts().equals(Timeouts.DEFAULT)) {
            sb.append(" timeouts=").append(f.timeouts().connect().toSeconds()).append('/')
                    .append(f.timeouts().read().toSeconds()).append('/').append(f.timeouts().send().toSeconds());
        }
        if (f.maxBodyBytes() != RoutePolicy.DEFAULT_MAX_BODY_BYTES) sb.append(" max=").append(f.maxBodyBytes());
        if (f.affinity() instanceof EndpointAffinity.Cookie c) {
            sb.append(" cookie=").append(c.name()).append(',').append(c.path()).append(',').append(c.maxAgeSeconds());
        } else if (f.affinity() instanceof EndpointAffinity.Hash h) {
            sb.append(" hash=").append(h.key());
        }
        if (f.rateLimit() != null) {
            sb.append(" limit=").append(f.rateLimit().scope()).append(',').append(f.rateLimit().requestsPerSecond())
                    .append(',').append(f.rateLimit().burst()).append(',').append(f.rateLimit().connections())
                    .append(',').append(f.rateLimit().exemptCidrs());
        }
        return sb.toString();
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return new TreeMap<>(m);
    }

    /** Always draws {@code value} (modulo the bound). */
    record FixedRandom(int value) implements RandomGenerator {
        @Override
        public long nextLong() {
            return value;
        }

        @Override
        public int nextInt(int bound) {
            return value % bound;
        }
    }
}
