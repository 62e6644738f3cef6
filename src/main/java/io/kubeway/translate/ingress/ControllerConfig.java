package io.kubeway.translate.ingress;

import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.EdgeSettings;
import io.kubeway.state.http.routing.GlobalRules;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The effect of ingress-nginx's controller ConfigMap ({@code --configmap}), as {@link ControllerConfigMap} read it.
 *
 * @param name     the ConfigMap, or null when no {@code --configmap} was given
 * @param base     every Ingress route's policy before its annotations (annotations override it, as in
 *                 ingress-nginx): ssl-redirect, force-ssl-redirect, proxy-body-size, proxy-*-timeout,
 *                 whitelist-source-range
 * @param rules    what every request passes first (block-*) and the HSTS header
 * @param edge     how the listeners take in connections (use-proxy-protocol, proxy-real-ip-cidr,
 *                 use-forwarded-headers, enable-underscores-in-headers)
 * @param settings every key, applied or not, with the value in effect, for the admin API and {@code kubeway get}
 * @param auth     global external authentication (global-auth-*, no-auth-locations)
 * @param customHttpErrors {@code custom-http-errors}: the statuses every route without its own
 *                 {@code custom-http-errors} annotation sends to the default backend (empty: none)
 */
public record ControllerConfig(@Nullable NamespacedName name, RoutePolicy base, GlobalRules rules, EdgeSettings edge,
                               List<Setting> settings, GlobalAuth auth, Set<Integer> customHttpErrors) {
    /** No ConfigMap: Kubeway's own defaults. */
    public static final ControllerConfig NONE = new ControllerConfig(null, RoutePolicy.DEFAULT, GlobalRules.NONE,
            EdgeSettings.DEFAULT, List.of(), GlobalAuth.NONE);

    public ControllerConfig {
        requireNonNull(base, "base");
        requireNonNull(rules, "rules");
        requireNonNull(edge, "edge");
        settings = List.copyOf(settings);
        requireNonNull(auth, "auth");
        customHttpErrors = Set.copyOf(customHttpErrors);
    }

    /** Without controller-wide error pages. */
    public ControllerConfig(@Nullable NamespacedName name, RoutePolicy base, GlobalRules rules, EdgeSettings edge,
                            List<Setting> settings, GlobalAuth auth) {
        this(name, base, rules, edge, settings, auth, Set.of());
    }

    /**
     * One key.
     *
     * @param key    the ConfigMap key
     * @param value  the value in effect (the ConfigMap's, the last good one, or ingress-nginx's default)
     * @param status {@code applied}, {@code default}, {@code last-good} (the current value is invalid),
     *               {@code failed-closed} (invalid with nothing to fall back on: the requests it guards answer 503) or
     *               {@code not-applied} (Kubeway does not implement it)
     * @param note   why, for the last three; empty otherwise
     */
    public record Setting(String key, String value, String status, String note) {
        public Setting {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
            requireNonNull(status, "status");
            requireNonNull(note, "note");
        }
    }
}
