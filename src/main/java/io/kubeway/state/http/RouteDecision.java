package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What to do with one request. Produced by the router, carried out by the HTTP engine.
 */
public sealed interface RouteDecision {
    /** For metrics and access logs: {@code ns/ingress-name}, or {@code -} for the built-in default backend. */
    String ingress();

    /** Proxy the request to {@code cluster}. */
    record Forward(
            String ingress,
            /* the rule's host as written ("" for any), for metrics */ String host,
            /* the rule's path as written, for metrics */ String path,
            HttpCluster cluster,
            /* path and query to send upstream (after rewrite-target), e.g. "/api/v1?x=1" */ String upstreamPath,
            /* request headers to set (X-Forwarded-Prefix ...); the engine adds X-Forwarded-* itself */
            Map<String, String> setRequestHeaders,
            /* response headers to add (CORS ...) */ Map<String, String> addResponseHeaders,
            Timeouts timeouts,
            /* 0: no limit; over it: 413 */ long maxBodyBytes,
            /* endpoint choice: null for round robin */ EndpointAffinity affinity,
            /* null for no limit */ RateLimit rateLimit,
            /* auth-url: asked before the request is proxied; null for none */ ExternalAuth externalAuth,
            /* proxy-redirect-from/-to: Location and Refresh rewriting; null for none */ ProxyRedirect proxyRedirect,
            /* error pages and retries; null for neither */ @Nullable UpstreamPolicy upstream)
            implements RouteDecision {
        public Forward {
            setRequestHeaders = Map.copyOf(setRequestHeaders);
            addResponseHeaders = Map.copyOf(addResponseHeaders);
        }

        /** Without proxy-redirect, error pages or retry settings. */
        public Forward(String ingress, String host, String path, HttpCluster cluster, String upstreamPath,
                       Map<String, String> setRequestHeaders, Map<String, String> addResponseHeaders,
                       Timeouts timeouts, long maxBodyBytes, EndpointAffinity affinity, RateLimit rateLimit,
                       ExternalAuth externalAuth) {
            this(ingress, host, path, cluster, upstreamPath, setRequestHeaders, addResponseHeaders, timeouts,
                    maxBodyBytes, affinity, rateLimit, externalAuth, null, null);
        }

        /** The same forward to another cluster and path, without error pages (nginx's error_page location). */
        public Forward redirected(HttpCluster to, String path) {
            return new Forward(ingress, host, this.path, to, path, setRequestHeaders, addResponseHeaders, timeouts,
                    maxBodyBytes, null, null, null, proxyRedirect, null);
        }
    }

    /**
     * Basic authentication whose password needs a costly hash check: the engine runs {@code check} off the event
     * loop (bounded; when full, 503), then carries out {@code then} if it passes, else answers {@code unauthorized}.
     * Credentials verified recently never get here: the router decides those itself.
     */
    record Authenticate(RouteDecision then, Respond unauthorized, PasswordCheck check) implements RouteDecision {
        public Authenticate {
            requireNonNull(then, "then");
            requireNonNull(unauthorized, "unauthorized");
            requireNonNull(check, "check");
            if (then instanceof Authenticate) throw new IllegalArgumentException("nested Authenticate");
        }

        @Override
        public String ingress() {
            return then.ingress();
        }
    }

    /** Answer directly (redirects, 403 from source-range rules, CORS preflight, 404 default backend, 503 ...). */
    record Respond(String ingress, int status, Map<String, String> headers, String body) implements RouteDecision {
        public Respond {
            headers = Map.copyOf(headers);
        }
    }

    /** How the engine picks an endpoint of the cluster when not round robin. */
    sealed interface EndpointAffinity {
        /**
         * Sticky by cookie (ingress-nginx's {@code affinity: cookie}): the request's cookie chooses the endpoint,
         * else one is picked and the response sets the cookie.
         *
         * @param name                    cookie name
         * @param path                    {@code Path} attribute
         * @param maxAgeSeconds           {@code Max-Age}; 0 for none
         * @param expiresSeconds          {@code Expires} this many seconds after the pick; 0 for none
         * @param domain                  {@code Domain}, or null for none
         * @param sameSite                {@code SameSite}, or null for none
         * @param conditionalSameSiteNone leave {@code SameSite=None} out for user agents that reject it
         * @param secure                  {@code Secure} even on plain HTTP (it is always set over HTTPS)
         * @param changeOnFailure         when the cookie's endpoint fails, try others and set the cookie anew
         *                                (otherwise the request fails with the cookie's endpoint)
         * @param mode                    how the cookie names its endpoint
         */
        record Cookie(String name, String path, long maxAgeSeconds, long expiresSeconds, @Nullable String domain,
                      @Nullable SameSite sameSite, boolean conditionalSameSiteNone, boolean secure,
                      boolean changeOnFailure, Mode mode) implements EndpointAffinity {
            public Cookie {
                requireNonNull(name, "name");
                requireNonNull(path, "path");
                requireNonNull(mode, "mode");
            }

            /** ingress-nginx's defaults for the other attributes: balanced, no Expires, SameSite or Domain. */
            public Cookie(String name, String path, long maxAgeSeconds) {
                this(name, path, maxAgeSeconds, 0, null, null, false, false, false, Mode.BALANCED);
            }

            public Cookie withPath(String p) {
                return new Cookie(name, p, maxAgeSeconds, expiresSeconds, domain, sameSite, conditionalSameSiteNone,
                        secure, changeOnFailure, mode);
            }

            /** ingress-nginx's {@code affinity-mode}. */
            public enum Mode {
                /**
                 * The cookie holds a key; the endpoint is the key's consistent-hash choice among the current
                 * endpoints, so when they scale some sessions move and the load rebalances (the default).
                 */
                BALANCED,
                /** The cookie names its endpoint, which keeps its sessions for as long as it exists. */
                PERSISTENT
            }

            /** The {@code SameSite} attribute, written as browsers expect it. */
            public enum SameSite {
                NONE("None"), LAX("Lax"), STRICT("Strict");

                private final String text;

                SameSite(String text) {
                    this.text = text;
                }

                public String text() {
                    return text;
                }
            }
        }

        /**
         * Consistent hash of this value (upstream-hash-by, already evaluated by the router); with {@code subsetSize}
         * above 0 ({@code upstream-hash-by-subset}) the key picks a subset of that many endpoints and the endpoint is
         * chosen at random within it.
         */
        record Hash(String key, int subsetSize) implements EndpointAffinity {
            public Hash(String key) {
                this(key, 0);
            }
        }

        /**
         * {@code load-balance: ewma}: of two endpoints picked at random, the one with the lower exponentially
         * weighted moving average of response times (ingress-nginx's balancer/ewma.lua).
         */
        record Ewma() implements EndpointAffinity {
        }

        Ewma EWMA = new Ewma();
    }

    /**
     * limit-rps / limit-rpm / limit-connections per client IP, counted per {@code scope} (the ingress).
     * {@code burst} goes with the per-second rate, {@code burstPerMinute} with the per-minute one.
     */
    record RateLimit(String scope, int requestsPerSecond, int burst, int connections, List<String> exemptCidrs,
                     int requestsPerMinute, int burstPerMinute) {
        public RateLimit {
            exemptCidrs = List.copyOf(exemptCidrs);
        }

        /** Without a per-minute rate. */
        public RateLimit(String scope, int requestsPerSecond, int burst, int connections, List<String> exemptCidrs) {
            this(scope, requestsPerSecond, burst, connections, exemptCidrs, 0, 0);
        }
    }
}
