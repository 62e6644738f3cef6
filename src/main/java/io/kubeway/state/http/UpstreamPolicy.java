package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * How a forwarded request treats its backend's failures and answers, from ingress-nginx's annotations: error pages
 * ({@code custom-http-errors} with {@code default-backend}) and retries on another endpoint ({@code
 * proxy-next-upstream*}). Null on a route means neither is configured, and the data plane pays nothing for it.
 *
 * @param errorPages  statuses answered by the error backend instead, or null
 * @param nextUpstream when a request moves on to another endpoint, or null for Kubeway's default (a connect
 *                     failure moves on, each endpoint once)
 * @param whenNoEndpoints the {@code default-backend} annotation's Service (first port, with endpoints): it serves
 *                     the routes whose own Service has no endpoints. Applied by the translation (the route's backend
 *                     is replaced); kept here for the dump.
 * @param mirror       a copy of each request goes there ({@code mirror-target}), or null
 * @param ewma         {@code load-balance: ewma} (else round robin); cookie affinity and upstream-hash-by win
 * @param hashSubsetSize {@code upstream-hash-by-subset-size} when {@code upstream-hash-by-subset} is on, else 0
 */
public record UpstreamPolicy(@Nullable ErrorPages errorPages, @Nullable NextUpstream nextUpstream,
                             @Nullable HttpCluster whenNoEndpoints, @Nullable Mirror mirror, boolean ewma,
                             int hashSubsetSize) {
    public UpstreamPolicy {
        if (hashSubsetSize < 0) throw new IllegalArgumentException("hashSubsetSize " + hashSubsetSize);
    }

    public UpstreamPolicy(@Nullable ErrorPages errorPages, @Nullable NextUpstream nextUpstream,
                          @Nullable HttpCluster whenNoEndpoints) {
        this(errorPages, nextUpstream, whenNoEndpoints, null);
    }

    public UpstreamPolicy(@Nullable ErrorPages errorPages, @Nullable NextUpstream nextUpstream,
                          @Nullable HttpCluster whenNoEndpoints, @Nullable Mirror mirror) {
        this(errorPages, nextUpstream, whenNoEndpoints, mirror, false, 0);
    }

    /** Nothing configured: {@code null} is used on routes instead. */
    public boolean isEmpty() {
        return errorPages == null && nextUpstream == null && whenNoEndpoints == null && mirror == null && !ewma
                && hashSubsetSize == 0;
    }

    /**
     * ingress-nginx's {@code mirror-target} (nginx's {@code mirror}): a copy of each request goes to this URL and
     * its answer is dropped; the main request never waits for it.
     *
     * @param url          the target as written (for logs and the dump)
     * @param tls          https
     * @param host         an IP literal or a DNS name (resolved without blocking)
     * @param port         the port
     * @param authority    the copy's {@code Host} ({@code mirror-host}, else the target's host)
     * @param pathTemplate the copy's request target with nginx variables ({@code $request_uri} ...), or null for
     *                     the original request's URI
     * @param requestBody  {@code mirror-request-body}: whether the copy carries the request body
     */
    public record Mirror(String url, boolean tls, String host, int port, String authority,
                         @Nullable String pathTemplate, boolean requestBody) {
        public Mirror {
            requireNonNull(url, "url");
            requireNonNull(host, "host");
            requireNonNull(authority, "authority");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port);
        }
    }

    /**
     * ingress-nginx's {@code custom-http-errors}: an answer with one of {@code codes} (from the backend, or the
     * proxy's own 502/503/504) is replaced by the error backend's answer to {@code GET /} with the {@code X-Code},
     * {@code X-Format}, {@code X-Original-URI}, {@code X-Namespace}, {@code X-Ingress-Name}, {@code X-Service-Name},
     * {@code X-Service-Port} and {@code X-Request-ID} headers; its status goes to the client unchanged.
     *
     * @param codes   statuses, 100..599
     * @param backend the {@code default-backend} annotation's Service (first port), else
     *                {@code --default-backend-service}; null for the built-in default backend (404)
     */
    public record ErrorPages(Set<Integer> codes, @Nullable HttpCluster backend) {
        public ErrorPages {
            codes = Set.copyOf(new TreeSet<>(codes));
            for (int c : codes) {
                if (c < 100 || c > 599) throw new IllegalArgumentException("status " + c);
            }
        }

        public boolean intercepts(int status) {
            return codes.contains(status);
        }
    }

    /**
     * ingress-nginx's {@code proxy-next-upstream}, {@code proxy-next-upstream-tries} and
     * {@code proxy-next-upstream-timeout} (nginx's directives of the same names).
     *
     * @param when    the cases that move on; empty for {@code off}
     * @param tries   the most attempts in all, the first included; 0 for no limit
     * @param timeout how long after the first attempt a new one may start; zero for no limit
     */
    public record NextUpstream(Set<Case> when, int tries, Duration timeout) {
        /** ingress-nginx's defaults: {@code error timeout}, 3 tries, no time limit. */
        public static final NextUpstream DEFAULT = new NextUpstream(EnumSet.of(Case.ERROR, Case.TIMEOUT), 3,
                Duration.ZERO);

        public NextUpstream {
            when = when.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(when));
            if (tries < 0) throw new IllegalArgumentException("tries " + tries);
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) throw new IllegalArgumentException("timeout " + timeout);
        }

        /** The case a backend status moves on for, or null. */
        public static @Nullable Case forStatus(int status) {
            return switch (status) {
                case 500 -> Case.HTTP_500;
                case 502 -> Case.HTTP_502;
                case 503 -> Case.HTTP_503;
                case 504 -> Case.HTTP_504;
                case 403 -> Case.HTTP_403;
                case 404 -> Case.HTTP_404;
                case 429 -> Case.HTTP_429;
                default -> null;
            };
        }
    }

    /** nginx's {@code proxy_next_upstream} parameters. */
    public enum Case {
        /** The connection failed, or the backend broke off before its response head. */
        ERROR("error"),
        /** The connect or read timeout passed before the response head. */
        TIMEOUT("timeout"),
        /** The response head did not parse. */
        INVALID_HEADER("invalid_header"),
        HTTP_500("http_500"), HTTP_502("http_502"), HTTP_503("http_503"), HTTP_504("http_504"),
        HTTP_403("http_403"), HTTP_404("http_404"), HTTP_429("http_429"),
        /** Also retry POST, LOCK, PATCH (nginx's non-idempotent methods). */
        NON_IDEMPOTENT("non_idempotent");

        private final String text;

        Case(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public static @Nullable Case parse(String s) {
            for (Case c : values()) {
                if (c.text.equals(s)) return c;
            }
            return null;
        }
    }
}
