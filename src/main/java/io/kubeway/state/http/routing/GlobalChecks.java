package io.kubeway.state.http.routing;

import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision.Respond;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link GlobalRules} prepared once per table: the checks every request passes before routing, and the HSTS
 * header. A table without any rule has none ({@link #of} gives null), so requests pay nothing.
 */
final class GlobalChecks {
    private static final Respond FORBIDDEN = new Respond("-", 403, Map.of(), "403 Forbidden");

    private final @Nullable Respond denied;
    private final CidrBlock[] blockCidrs;
    private final HeaderPatterns userAgents;
    private final HeaderPatterns referers;
    private final Map<String, String> hsts;

    private GlobalChecks(GlobalRules rules) {
        this.denied = rules.denied() == null ? null : new Respond("-", 503, Map.of(), Target.UNAVAILABLE_BODY);
        this.blockCidrs = rules.blockCidrs().stream().map(CidrBlock::parse).toArray(CidrBlock[]::new);
        this.userAgents = HeaderPatterns.of(rules.blockUserAgents());
        this.referers = HeaderPatterns.of(rules.blockReferers());
        this.hsts = rules.hsts() == null ? Map.of() : Map.of("Strict-Transport-Security", rules.hsts());
    }

    /** The checks of {@code rules}, or null when there is nothing to check or add. */
    static @Nullable GlobalChecks of(GlobalRules rules) {
        return rules.equals(GlobalRules.NONE) ? null : new GlobalChecks(rules);
    }

    /** 503 when closed, 403 for a blocked address, user agent or referer; null to go on routing. */
    @Nullable Respond refuse(RequestView req) {
        if (denied != null) return denied;
        if (blockCidrs.length > 0) {
            InetAddress ip = req.clientIp();
            for (CidrBlock b : blockCidrs) {
                if (b.contains(ip)) return FORBIDDEN;
            }
        }
        if (!userAgents.isEmpty() && userAgents.matches(req.header("user-agent"))) return FORBIDDEN;
        if (!referers.isEmpty() && referers.matches(req.header("referer"))) return FORBIDDEN;
        return null;
    }

    Map<String, String> hsts() {
        return hsts;
    }

    /** Both header maps; {@code b} wins on a clash. */
    static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        if (a.isEmpty()) return b;
        if (b.isEmpty()) return a;
        Map<String, String> out = new HashMap<>(a);
        out.putAll(b);
        return out;
    }
}
