package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.state.http.ConnectionSettings;
import io.kubeway.state.http.EdgeSettings;
import io.kubeway.state.http.Timeouts;
import io.kubeway.state.http.routing.GlobalRules;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Reads ingress-nginx's controller ConfigMap ({@code --configmap NS/NAME}) with its key names, value formats and
 * defaults (docs/user-guide/nginx-configuration/configmap.md). Keeps the last good value of each key: a value
 * that does not parse keeps the one before it (or the default), with a Warning naming the ConfigMap, key and value;
 * a restricting key ({@link #RESTRICTING}) with a bad value and no good one before closes every route (503, fail
 * closed). A key Kubeway does not apply gets one Warning saying why ({@link #NOT_APPLIED}), an unknown key one too.
 * Not thread-safe: one per sync loop.
 */
public final class ControllerConfigMap {
    static final String INVALID = "InvalidConfigValue";
    static final String UNSUPPORTED = "UnsupportedConfigKey";
    static final String MISSING = "ConfigMapNotFound";
    /** custom-http-errors without --default-backend-service: the built-in 404 answers the listed statuses. */
    static final String NO_ERROR_BACKEND = "NoDefaultBackend";
    /** Most entries a block-* or CIDR list may hold: each request is checked against them. */
    static final int MAX_LIST_ENTRIES = 1000;

    /** The keys Kubeway applies, with ingress-nginx's defaults, in the order they are shown. */
    static final Map<String, String> DEFAULTS = defaults();
    /** Keys that restrict access: a bad value with no last good one denies every request. */
    static final Set<String> RESTRICTING = Set.of("whitelist-source-range", "block-cidrs", "block-user-agents",
            "block-referers");
    /**
     * The global external authentication's keys: while {@code global-auth-url} is set, a bad value of any of them
     * with no last good one (or a {@code global-auth-snippet}, never run) closes every route the global auth would
     * protect (503), and only those.
     */
    static final Set<String> GLOBAL_AUTH = Set.of("global-auth-url", "global-auth-method", "global-auth-signin",
            "global-auth-signin-redirect-param", "global-auth-response-headers", "global-auth-request-redirect",
            "global-auth-always-set-cookie", "global-auth-cache-key", "global-auth-cache-duration");
    /** ingress-nginx keys Kubeway reads and does not apply, with the reason given in their Warning. */
    static final Map<String, String> NOT_APPLIED = notApplied();
    /** ingress-nginx's ssl-ciphers default. */
    static final String INGRESS_NGINX_CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
            + "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";
    /** The largest request head large-client-header-buffers may allow (number × size): each connection may buffer it. */
    static final long MAX_HEADER_BUFFER_BYTES = 1 << 20;
    /** The most idle backend connections per endpoint and event loop upstream-keepalive-connections may ask for. */
    static final int MAX_UPSTREAM_IDLE = 10_000;
    /** The longest header name forwarded-for-header may give. */
    static final int MAX_HEADER_NAME = 256;

    private final NamespacedName name;
    private Map<String, String> lastGood = Map.of();

    public ControllerConfigMap(NamespacedName name) {
        this.name = requireNonNull(name, "name");
    }

    public NamespacedName name() {
        return name;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("ssl-redirect", "true");
        d.put("force-ssl-redirect", "false");
        d.put("hsts", "true");
        d.put("hsts-max-age", "15724800");
        d.put("hsts-include-subdomains", "true");
        d.put("hsts-preload", "false");
        d.put("proxy-body-size", "1m");
        d.put("proxy-connect-timeout", "5");
        d.put("proxy-read-timeout", "60");
        d.put("proxy-send-timeout", "60");
        d.put("whitelist-source-range", "");
        d.put("block-cidrs", "");
        d.put("block-user-agents", "");
        d.put("block-referers", "");
        d.put("use-proxy-protocol", "false");
        d.put("proxy-real-ip-cidr", "0.0.0.0/0");
        d.put("use-forwarded-headers", "false");
        d.put("enable-underscores-in-headers", "false");
        d.put("server-tokens", "false");
        d.put("allow-snippet-annotations", "false");
        d.put("log-format-upstream", io.kubeway.state.http.LogFormat.INGRESS_NGINX_DEFAULT);
        d.put("global-auth-url", "");
        d.put("global-auth-method", "");
        d.put("global-auth-signin", "");
        d.put("global-auth-signin-redirect-param", "rd");
        d.put("global-auth-response-headers", "");
        d.put("global-auth-request-redirect", "");
        d.put("global-auth-always-set-cookie", "false");
        d.put("global-auth-cache-key", "");
        d.put("global-auth-cache-duration", io.kubeway.state.http.AuthCachePolicy.DEFAULT_DURATION);
        d.put("no-auth-locations", GlobalAuth.DEFAULT_NO_AUTH_LOCATIONS);
        d.put("compute-full-forwarded-for", "false");
        d.put("forwarded-for-header", "X-Forwarded-For");
        d.put("custom-http-errors", "");
        d.put("keep-alive", "75");
        d.put("keep-alive-requests", "1000");
        d.put("upstream-keepalive-connections", "320");
        d.put("upstream-keepalive-timeout", "60");
        d.put("upstream-keepalive-requests", "10000");
        d.put("large-client-header-buffers", "4 8k");
        d.put("ssl-protocols", "TLSv1.2 TLSv1.3");
        d.put("ssl-ciphers", INGRESS_NGINX_CIPHERS);
        return java.util.Collections.unmodifiableMap(d);
    }

    private static Map<String, String> notApplied() {
        Map<String, String> m = new TreeMap<>();
        m.put("upstream-keepalive-time", "Kubeway does not cap the life of a backend connection");
        m.put("log-format-escape-json", "log-format-upstream values are written as they are");
        m.put("proxy-protocol-header-timeout", "the PROXY header must arrive within 5 s (ingress-nginx's default)");
        m.put("global-auth-snippet", "snippets are nginx configuration; Kubeway never runs them (with "
                + "global-auth-url set, the routes the global auth protects answer 503: fail closed)");
        for (String k : List.of("main-snippet", "http-snippet", "server-snippet", "stream-snippet",
                "location-snippet", "modsecurity-snippet")) {
            m.put(k, "snippets are nginx configuration; Kubeway never runs them");
        }
        m.put("use-http2", "HTTP/2 is always offered (ALPN h2)");
        m.put("use-gzip", "Kubeway does not compress responses");
        m.put("enable-brotli", "Kubeway does not compress responses");
        m.put("add-headers", "response headers from a ConfigMap are not implemented");
        m.put("proxy-set-headers", "request headers from a ConfigMap are not implemented");
        m.put("hide-headers", "hiding backend headers is not implemented");
        m.put("load-balance", "the controller-wide balancing algorithm is round robin");
        m.put("worker-processes", "Kubeway's threads are --workers");
        m.put("max-worker-connections", "client connections are capped by --max-client-connections");
        m.put("limit-req-status-code", "rate limits answer 503, ingress-nginx's default");
        m.put("limit-conn-status-code", "connection limits answer 503, ingress-nginx's default");
        m.put("http-redirect-code", "the HTTP to HTTPS redirect is 308, ingress-nginx's default");
        m.put("no-tls-redirect-locations", "only /.well-known/acme-challenge (ingress-nginx's default) is exempt");
        m.put("proxy-buffering", "Kubeway streams responses (ingress-nginx's default, off)");
        m.put("proxy-request-buffering", "Kubeway streams request bodies");
        m.put("ssl-reject-handshake", "unknown server names get the default certificate");
        m.put("service-upstream", "the controller-wide service-upstream is not implemented");
        m.put("annotation-value-word-blocklist", "Kubeway never puts annotation values into a configuration "
                + "language, so there is nothing to block");
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The configuration in effect for {@code cm} (null: the ConfigMap does not exist; ingress-nginx's defaults).
     * Problems are added for every key that is not applied and every bad value.
     */
    public ControllerConfig read(@Nullable ConfigMap cm, @Nullable String source, List<Problem> problems) {
        ObjectRef ref = ObjectRef.of("ConfigMap", name);
        Map<String, String> data = cm == null || cm.getData() == null ? Map.of() : new TreeMap<>(cm.getData());
        if (cm == null) {
            problems.add(Problem.warning(ref, source, MISSING, "ConfigMap " + name + " (--configmap) does not exist; "
                    + "using ingress-nginx's defaults"));
        } else if (cm.getBinaryData() != null && !cm.getBinaryData().isEmpty()) {
            problems.add(Problem.warning(ref, source, UNSUPPORTED, "ConfigMap " + name + ": binaryData "
                    + cm.getBinaryData().keySet() + " is not read; settings go under data"));
        }
        Map<String, String> effective = new LinkedHashMap<>(DEFAULTS);
        Map<String, ControllerConfig.Setting> settings = new LinkedHashMap<>();
        Map<String, String> good = new TreeMap<>();
        List<String> closed = new ArrayList<>();
        List<String> authClosed = new ArrayList<>();
        boolean globalAuth = !data.getOrDefault("global-auth-url", "").isBlank();
        if (globalAuth && data.containsKey("global-auth-snippet")) authClosed.add("global-auth-snippet");
        for (Map.Entry<String, String> e : data.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (!DEFAULTS.containsKey(key)) {
                String why = NOT_APPLIED.getOrDefault(key, "not a controller ConfigMap key Kubeway knows");
                problems.add(Problem.warning(ref, source, UNSUPPORTED, "ConfigMap " + name + ": key " + key
                        + " is not applied: " + why));
                settings.put(key, new ControllerConfig.Setting(key, value, "not-applied", why));
                continue;
            }
            List<String> notes = new ArrayList<>();
            String error = check(key, value, notes);
            if (error == null) {
                effective.put(key, value);
                good.put(key, value);
                for (String n : notes) {
                    problems.add(Problem.warning(ref, source, UNSUPPORTED, "ConfigMap " + name + ": key " + key + ": "
                            + n));
                }
                settings.put(key, new ControllerConfig.Setting(key, value, "applied", String.join("; ", notes)));
                continue;
            }
            String before = lastGood.get(key);
            String what = "ConfigMap " + name + ": key " + key + ": invalid value \"" + value + "\": " + error;
            if (before != null) {
                effective.put(key, before);
                good.put(key, before);
                problems.add(Problem.warning(ref, source, INVALID, what + "; keeping the last good value \"" + before
                        + "\""));
                settings.put(key, new ControllerConfig.Setting(key, before, "last-good", error));
            } else if (globalAuth && GLOBAL_AUTH.contains(key)) {
                authClosed.add(key);
                problems.add(Problem.warning(ref, source, INVALID, what + "; the global external authentication "
                        + "cannot be honoured, so every route it protects answers 503 (fail closed)"));
                settings.put(key, new ControllerConfig.Setting(key, value, "failed-closed", error));
            } else if (RESTRICTING.contains(key)) {
                closed.add(key);
                problems.add(Problem.warning(ref, source, INVALID, what + "; it restricts access and has no good "
                        + "value to keep, so every request answers 503 (fail closed)"));
                settings.put(key, new ControllerConfig.Setting(key, value, "failed-closed", error));
            } else {
                problems.add(Problem.warning(ref, source, INVALID, what + "; using the default \""
                        + DEFAULTS.get(key) + "\""));
                settings.put(key, new ControllerConfig.Setting(key, DEFAULTS.get(key), "default", error));
            }
        }
        lastGood = good;
        List<ControllerConfig.Setting> all = new ArrayList<>();
        for (Map.Entry<String, String> d : effective.entrySet()) {
            ControllerConfig.Setting s = settings.remove(d.getKey());
            all.add(s != null ? s : new ControllerConfig.Setting(d.getKey(), d.getValue(), "default", ""));
        }
        all.addAll(settings.values()); // the keys not applied
        if (truthy(effective.get("allow-snippet-annotations"))) {
            problems.add(Problem.warning(ref, source, UNSUPPORTED, "ConfigMap " + name + ": allow-snippet-annotations "
                    + "is true, but snippet annotations stay refused: Kubeway never runs nginx configuration"));
        }
        String ffh = effective.get("forwarded-for-header");
        if (!ffh.equalsIgnoreCase(DEFAULTS.get("forwarded-for-header"))) {
            String why = truthy(effective.get("use-proxy-protocol")) ? "with use-proxy-protocol the client address "
                    + "comes from the PROXY header" : !truthy(effective.get("use-forwarded-headers"))
                    ? "without use-forwarded-headers: \"true\" no header gives the client address" : null;
            if (why != null) {
                problems.add(Problem.warning(ref, source, UNSUPPORTED, "ConfigMap " + name + ": forwarded-for-header "
                        + ffh + " has no effect: " + why + " (as in ingress-nginx)"));
            }
        }
        if (truthy(effective.get("server-tokens"))) {
            problems.add(Problem.warning(ref, source, UNSUPPORTED, "ConfigMap " + name + ": server-tokens is true, "
                    + "but Kubeway sends no Server header of its own"));
        }
        return build(effective, closed, authClosed, all);
    }

    /** Why {@code value} is not valid for {@code key}, or null when it is. */
    static @Nullable String check(String key, String value) {
        return check(key, value, new ArrayList<>());
    }

    /** As {@link #check(String, String)}; {@code notes} gets what a valid value leaves out (Warnings). */
    static @Nullable String check(String key, String value, List<String> notes) {
        try {
            ConfigMapValues p = new ConfigMapValues();
            ConfigMapValues.apply(key, value, p);
            notes.addAll(p.notes);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private ControllerConfig build(Map<String, String> effective, List<String> closed, List<String> authClosed,
                                   List<ControllerConfig.Setting> settings) {
        ConfigMapValues parts = new ConfigMapValues();
        effective.forEach((k, v) -> ConfigMapValues.apply(k, v, parts));
        String denied = closed.isEmpty() ? null : "ConfigMap " + name + ": " + String.join(", ", closed)
                + " cannot be honoured";
        String hsts = !parts.hsts ? null : "max-age=" + parts.hstsMaxAge
                + (parts.hstsSubdomains ? "; includeSubDomains" : "") + (parts.hstsPreload ? "; preload" : "");
        RoutePolicy base = RoutePolicy.builder().sslRedirect(parts.sslRedirect).forceSslRedirect(parts.forceSslRedirect)
                .maxBodyBytes(parts.maxBody).timeouts(new Timeouts(parts.connect, parts.read, parts.send))
                .allowSourceRanges(parts.allow).build();
        GlobalRules rules = new GlobalRules(denied, parts.blockCidrs, parts.blockUserAgents, parts.blockReferers, hsts);
        EdgeSettings edge = new EdgeSettings(parts.proxyProtocol, parts.realIp,
                parts.forwardedHeaders ? parts.realIp : null,
                effectiveKeySet(settings, "enable-underscores-in-headers") ? parts.underscores : null,
                effectiveKeySet(settings, "log-format-upstream") ? parts.logFormat : null,
                new ConnectionSettings(Duration.ofSeconds(parts.keepAlive), parts.keepAliveRequests,
                        parts.upstreamIdle, Duration.ofSeconds(parts.upstreamTimeout), parts.upstreamRequests,
                        parts.headerBuffers * parts.headerBufferSize, parts.headerBufferSize, parts.tlsProtocols,
                        parts.tlsCiphers),
                parts.forwardedHeaders && parts.fullForwardedFor,
                parts.forwardedHeaders && !parts.proxyProtocol && !parts.forwardedFor.equals("x-forwarded-for")
                        ? parts.forwardedFor : null);
        return new ControllerConfig(name, base, rules, edge, settings, globalAuth(parts, authClosed),
                parts.customErrors);
    }

    private GlobalAuth globalAuth(ConfigMapValues p, List<String> authClosed) {
        if (!authClosed.isEmpty()) {
            return new GlobalAuth(null, "ConfigMap " + name + ": " + String.join(", ", authClosed) + " cannot be "
                    + "honoured", p.noAuthLocations);
        }
        if (p.authUrl.isEmpty()) return new GlobalAuth(null, null, p.noAuthLocations);
        return new GlobalAuth(ExternalAuthAnnotations.build(p.authUrl, p.authMethod, p.authSignin, p.authParam,
                p.authHeaders, p.authRedirect).withAlwaysSetCookie(p.authAlwaysSetCookie)
                .withCache(p.authCacheKey.isEmpty() ? null
                        : io.kubeway.state.http.AuthCachePolicy.parse(p.authCacheKey, p.authCacheDuration)),
                null, p.noAuthLocations);
    }

    private static boolean effectiveKeySet(List<ControllerConfig.Setting> settings, String key) {
        return settings.stream().anyMatch(s -> s.key().equals(key) && !s.status().equals("default"));
    }

    private static boolean truthy(@Nullable String v) {
        return v != null && Boolean.TRUE.equals(AnnotationReader.goBool(v));
    }
}
