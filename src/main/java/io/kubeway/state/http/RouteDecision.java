package io.kubeway.state.http;

import java.util.List;
import java.util.Map;

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
            /* auth-url: asked before the request is proxied; null for none */ ExternalAuth externalAuth)
            implements RouteDecision {
        public Forward {
            setRequestHeaders = Map.copyOf(setRequestHeaders);
            addResponseHeaders = Map.copyOf(addResponseHeaders);
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
        /** Sticky by cookie: reuse the endpoint named by the cookie if still present, else pick and set it. */
        record Cookie(String name, String path, long maxAgeSeconds) implements EndpointAffinity {
        }

        /** Consistent hash of this value (upstream-hash-by, already evaluated by the router). */
        record Hash(String key) implements EndpointAffinity {
        }
    }

    /** limit-rps / limit-connections per client IP, counted per {@code scope} (the ingress). */
    record RateLimit(String scope, int requestsPerSecond, int burst, int connections, List<String> exemptCidrs) {
        public RateLimit {
            exemptCidrs = List.copyOf(exemptCidrs);
        }
    }
}
