package io.kubeway.state.http.routing;

import io.kubeway.state.http.ProxyRedirect;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.RateLimit;
import io.kubeway.state.http.Timeouts;
import io.kubeway.state.http.UpstreamPolicy;
import org.jspecify.annotations.Nullable;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a route does besides choosing a backend: the effect of an Ingress's annotations. The router applies it
 * in this order (see {@link RouteTable}): denied (503), source ranges, redirect, CORS preflight, HTTPS redirect,
 * then the forward with its rewrite, headers, limits, timeouts and endpoint affinity.
 *
 * @param denied            why the route is closed, or null when it is open. A closed route answers every request
 *                          503 and never reaches its backend: an access restriction that cannot be honoured denies
 *                          (ingress-nginx's denied location, {@code return 503}). The reason is for the dump and
 *                          events, never sent to clients.
 * @param allowSourceRanges CIDRs (canonical, see {@link CidrBlock}); when not empty, other clients get 403
 * @param denySourceRanges  CIDRs whose clients get 403; checked before the allow list
 * @param sslRedirect       redirect plain HTTP to HTTPS (308) when the host has TLS
 * @param forceSslRedirect  redirect plain HTTP to HTTPS even when the host has no TLS
 * @param rewriteTarget     nginx {@code rewrite} replacement with {@code $1..$9} capture groups of the path regex
 * @param xForwardedPrefix  value of the {@code X-Forwarded-Prefix} request header
 * @param maxBodyBytes      request body limit, 0 for none
 * @param hashBy            upstream-hash-by template ({@link HashKey}), exclusive with {@code affinity}
 * @param auth              authentication (basic auth, satisfy), or null for none
 * @param upstreamVhost     {@code upstream-vhost}: the {@code Host} header sent upstream, or null for the client's
 * @param proxyRedirect     {@code proxy-redirect-from}/{@code -to}: how {@code Location} and {@code Refresh} of
 *                          responses are rewritten, or null for not at all
 * @param upstream          error pages and retries ({@code custom-http-errors}, {@code proxy-next-upstream*}), or null
 */
public record RoutePolicy(@Nullable String denied, @Nullable Redirect redirect, List<String> allowSourceRanges, List<String> denySourceRanges,
                          @Nullable Cors cors, boolean sslRedirect, boolean forceSslRedirect,
                          @Nullable String rewriteTarget, @Nullable String xForwardedPrefix, long maxBodyBytes,
                          Timeouts timeouts, EndpointAffinity.@Nullable Cookie affinity, @Nullable String hashBy,
                          @Nullable RateLimit rateLimit, @Nullable Auth auth, @Nullable String upstreamVhost,
                          @Nullable ProxyRedirect proxyRedirect, @Nullable UpstreamPolicy upstream) {
    /** ingress-nginx's {@code proxy-body-size} default, 1m. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** No annotations: HTTPS redirect for TLS hosts, 1 MiB bodies, default timeouts. */
    public static final RoutePolicy DEFAULT = builder().build();

    public RoutePolicy {
        allowSourceRanges = List.copyOf(allowSourceRanges);
        denySourceRanges = List.copyOf(denySourceRanges);
        requireNonNull(timeouts, "timeouts");
        if (maxBodyBytes < 0) throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes);
        if (hashBy != null) HashKey.parse(hashBy);
        allowSourceRanges.forEach(CidrBlock::parse);
        denySourceRanges.forEach(CidrBlock::parse);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().denied(denied).redirect(redirect).allowSourceRanges(allowSourceRanges)
                .denySourceRanges(denySourceRanges).cors(cors).sslRedirect(sslRedirect)
                .forceSslRedirect(forceSslRedirect).rewriteTarget(rewriteTarget).xForwardedPrefix(xForwardedPrefix)
                .maxBodyBytes(maxBodyBytes).timeouts(timeouts).affinity(affinity).hashBy(hashBy)
                .rateLimit(rateLimit).auth(auth).upstreamVhost(upstreamVhost).proxyRedirect(proxyRedirect)
                .upstream(upstream);
    }

    /** Builds a {@link RoutePolicy}; starts from the defaults. */
    public static final class Builder {
        private @Nullable String denied;
        private @Nullable Redirect redirect;
        private List<String> allowSourceRanges = List.of();
        private List<String> denySourceRanges = List.of();
        private @Nullable Cors cors;
        private boolean sslRedirect = true;
        private boolean forceSslRedirect;
        private @Nullable String rewriteTarget;
        private @Nullable String xForwardedPrefix;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private EndpointAffinity.@Nullable Cookie affinity;
        private @Nullable String hashBy;
        private @Nullable RateLimit rateLimit;
        private @Nullable Auth auth;
        private @Nullable String upstreamVhost;
        private @Nullable ProxyRedirect proxyRedirect;
        private @Nullable UpstreamPolicy upstream;

        private Builder() {
        }

        public Builder denied(@Nullable String v) {
            denied = v;
            return this;
        }

        public Builder redirect(@Nullable Redirect v) {
            redirect = v;
            return this;
        }

        public Builder allowSourceRanges(List<String> v) {
            allowSourceRanges = v;
            return this;
        }

        public Builder denySourceRanges(List<String> v) {
            denySourceRanges = v;
            return this;
        }

        public Builder cors(@Nullable Cors v) {
            cors = v;
            return this;
        }

        public Builder sslRedirect(boolean v) {
            sslRedirect = v;
            return this;
        }

        public Builder forceSslRedirect(boolean v) {
            forceSslRedirect = v;
            return this;
        }

        public Builder rewriteTarget(@Nullable String v) {
            rewriteTarget = v;
            return this;
        }

        public Builder xForwardedPrefix(@Nullable String v) {
            xForwardedPrefix = v;
            return this;
        }

        public Builder maxBodyBytes(long v) {
            maxBodyBytes = v;
            return this;
        }

        public Builder timeouts(Timeouts v) {
            timeouts = v;
            return this;
        }

        public Builder affinity(EndpointAffinity.@Nullable Cookie v) {
            affinity = v;
            return this;
        }

        public Builder hashBy(@Nullable String v) {
            hashBy = v;
            return this;
        }

        public Builder rateLimit(@Nullable RateLimit v) {
            rateLimit = v;
            return this;
        }

        public Builder auth(@Nullable Auth v) {
            auth = v;
            return this;
        }

        public Builder upstreamVhost(@Nullable String v) {
            upstreamVhost = v;
            return this;
        }

        public Builder proxyRedirect(@Nullable ProxyRedirect v) {
            proxyRedirect = v;
            return this;
        }

        public Builder upstream(@Nullable UpstreamPolicy v) {
            upstream = v == null || v.isEmpty() ? null : v;
            return this;
        }

        public RoutePolicy build() {
            return new RoutePolicy(denied, redirect, allowSourceRanges, denySourceRanges, cors, sslRedirect,
                    forceSslRedirect, rewriteTarget, xForwardedPrefix, maxBodyBytes, timeouts, affinity, hashBy,
                    rateLimit, auth, upstreamVhost, proxyRedirect, upstream);
        }
    }
}
