package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * What the controller ConfigMap applies to every request before any Ingress rule (ingress-nginx's http-level
 * {@code block-cidrs}, {@code block-user-agents}, {@code block-referers}), and the HSTS header of TLS hosts.
 * A plain value, compared by content, part of {@link RouteConfig}.
 *
 * @param denied          why every request answers 503: a restricting key that cannot be honoured and has no
 *                        last good value (fail closed); null when open
 * @param blockCidrs      client addresses refused with 403 (canonical CIDRs, see {@link CidrBlock})
 * @param blockUserAgents User-Agent values refused with 403: exact (case-insensitive, as nginx's {@code map}),
 *                        {@code ~regex} (case-sensitive) or {@code ~*regex} (case-insensitive)
 * @param blockReferers   Referer values refused with 403, written as {@code blockUserAgents}
 * @param hsts            the {@code Strict-Transport-Security} value added to responses over TLS for hosts with
 *                        TLS, or null for none
 */
public record GlobalRules(@Nullable String denied, List<String> blockCidrs, List<String> blockUserAgents,
                          List<String> blockReferers, @Nullable String hsts) {
    /** Nothing blocked, no HSTS: the rules of a table built without a controller ConfigMap. */
    public static final GlobalRules NONE = new GlobalRules(null, List.of(), List.of(), List.of(), null);

    public GlobalRules {
        blockCidrs = List.copyOf(blockCidrs);
        blockUserAgents = List.copyOf(blockUserAgents);
        blockReferers = List.copyOf(blockReferers);
        blockCidrs.forEach(CidrBlock::parse);
        blockUserAgents.forEach(HeaderPatterns::compile);
        blockReferers.forEach(HeaderPatterns::compile);
    }
}
