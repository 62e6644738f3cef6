package io.kubeway.testing;

import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.Forward;
import io.kubeway.state.http.RouteDecision.Respond;
import io.kubeway.state.http.Timeouts;
import io.kubeway.state.http.routing.RoutePolicy;

import java.util.TreeMap;
import java.util.function.Function;

/** Compact renderings of route decisions, for table-driven expectations in router and Ingress tests. */
public final class DecisionText {
    private DecisionText() {
    }

    /**
     * {@code 403}, {@code 308 {Location=...}}, or {@code fwd <cluster> <upstream path>} followed by what differs
     * from the defaults: {@code set=}, {@code add=}, {@code timeouts=}, {@code max=}, {@code cookie=} or
     * {@code hash=}, {@code limit=}.
     *
     * @param cluster how a forward's cluster is named in the text
     */
    public static String render(RouteDecision d, Function<Forward, String> cluster) {
        return switch (d) {
            case Respond r -> r.status() + (r.headers().isEmpty() ? "" : " " + new TreeMap<>(r.headers()));
            case Forward f -> forward(f, cluster.apply(f));
            // the engine's off-loop password check, done here
            case RouteDecision.Authenticate a -> render(a.check().verify() ? a.then() : a.unauthorized(), cluster);
        };
    }

    private static String forward(Forward f, String cluster) {
        StringBuilder sb = new StringBuilder("fwd ").append(cluster).append(' ').append(f.upstreamPath());
        if (!f.setRequestHeaders().isEmpty()) sb.append(" set=").append(new TreeMap<>(f.setRequestHeaders()));
        if (!f.addResponseHeaders().isEmpty()) sb.append(" add=").append(new TreeMap<>(f.addResponseHeaders()));
        if (!f.timeouts().equals(Timeouts.DEFAULT)) {
            sb.append(" timeouts=").append(f.timeouts().connect().toSeconds()).append('/')
                    .append(f.timeouts().read().toSeconds()).append('/').append(f.timeouts().send().toSeconds());
        }
        if (f.maxBodyBytes() != RoutePolicy.DEFAULT_MAX_BODY_BYTES) sb.append(" max=").append(f.maxBodyBytes());
        if (f.affinity() instanceof EndpointAffinity.Cookie c) {
            sb.append(" cookie=").append(c.name()).append(',').append(c.path()).append(',').append(c.maxAgeSeconds());
            if (c.expiresSeconds() > 0) sb.append(",expires=").append(c.expiresSeconds());
            if (c.domain() != null) sb.append(",domain=").append(c.domain());
            if (c.sameSite() != null) sb.append(",samesite=").append(c.sameSite().text());
            if (c.conditionalSameSiteNone()) sb.append(",conditional");
            if (c.secure()) sb.append(",secure");
            if (c.changeOnFailure()) sb.append(",change-on-failure");
            if (c.mode() != EndpointAffinity.Cookie.Mode.BALANCED) sb.append(",persistent");
        } else if (f.affinity() instanceof EndpointAffinity.Hash h) {
            sb.append(" hash=").append(h.key());
        }
        if (f.rateLimit() != null) {
            sb.append(" limit=").append(f.rateLimit().scope()).append(',').append(f.rateLimit().requestsPerSecond())
                    .append(',').append(f.rateLimit().burst()).append(',').append(f.rateLimit().connections())
                    .append(',').append(f.rateLimit().exemptCidrs());
            if (f.rateLimit().requestsPerMinute() > 0) {
                sb.append(",rpm=").append(f.rateLimit().requestsPerMinute()).append(',')
                        .append(f.rateLimit().burstPerMinute());
            }
        }
        return sb.toString();
    }
}
