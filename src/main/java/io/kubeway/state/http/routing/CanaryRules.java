package io.kubeway.state.http.routing;

import io.kubeway.state.http.RequestView;
import org.jspecify.annotations.Nullable;

import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** A {@link Canary} compiled for requests; see there for the order of the rules. */
final class CanaryRules {
    final Target target;
    private final @Nullable String header;
    private final @Nullable String headerValue;
    private final @Nullable Pattern headerPattern;
    private final @Nullable String cookie;
    private final int weight;
    private final int weightTotal;

    CanaryRules(Canary c) {
        this.target = Target.of(c.ingress(), c.backend());
        this.header = c.header() == null ? null : c.header().toLowerCase(Locale.ROOT);
        this.headerValue = c.headerValue() == null || c.headerValue().isEmpty() ? null : c.headerValue();
        this.headerPattern = c.headerPattern() == null || c.headerPattern().isEmpty()
                ? null : Pattern.compile(c.headerPattern());
        this.cookie = c.cookie();
        this.weight = c.weight();
        this.weightTotal = c.weightTotal();
    }

    /**
     * Whether this request goes to the canary. A canary that cannot take it (no endpoints) never does: the main
     * backend serves, as in ingress-nginx, which drops an alternative backend without endpoints.
     */
    boolean chosen(RequestView req, RandomGenerator random) {
        return target.forwardable() && decide(req, random);
    }

    private boolean decide(RequestView req, RandomGenerator random) {
        if (header != null) {
            String v = req.header(header);
            if (v != null) {
                if (headerValue != null) {
                    if (headerValue.equals(v)) return true;
                } else if (headerPattern != null) {
                    if (headerPattern.matcher(v).find()) return true;
                } else if (v.equals("always")) {
                    return true;
                } else if (v.equals("never")) {
                    return false;
                }
            }
        }
        if (cookie != null) {
            String v = req.cookie(cookie);
            if ("always".equals(v)) return true;
            if ("never".equals(v)) return false;
        }
        if (weight == 0) return false;
        if (weight >= weightTotal) return true;
        return random.nextInt(weightTotal) < weight;
    }
}
