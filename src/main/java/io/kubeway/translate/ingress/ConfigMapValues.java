package io.kubeway.translate.ingress;

import io.kubeway.state.http.EdgeSettings;
import io.kubeway.state.http.Timeouts;
import io.kubeway.state.http.routing.CidrBlock;
import io.kubeway.state.http.routing.GlobalRules;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.kubeway.translate.ingress.ControllerConfigMap.INGRESS_NGINX_CIPHERS;
import static io.kubeway.translate.ingress.ControllerConfigMap.MAX_HEADER_BUFFER_BYTES;
import static io.kubeway.translate.ingress.ControllerConfigMap.MAX_HEADER_NAME;
import static io.kubeway.translate.ingress.ControllerConfigMap.MAX_LIST_ENTRIES;
import static io.kubeway.translate.ingress.ControllerConfigMap.MAX_UPSTREAM_IDLE;

/**
 * One reading of ingress-nginx's controller ConfigMap, key by key: {@link #apply} parses one key's value in
 * ingress-nginx's format into these fields and throws (naming what is wrong) on a bad value before changing
 * anything, so {@link ControllerConfigMap} can keep the key's last good value. The fields start at ingress-nginx's
 * defaults.
 */
final class ConfigMapValues {
    boolean sslRedirect = true;
    boolean forceSslRedirect;
    boolean hsts = true;
    long hstsMaxAge = 15724800;
    boolean hstsSubdomains = true;
    boolean hstsPreload;
    long maxBody = RoutePolicy.DEFAULT_MAX_BODY_BYTES;
    Duration connect = Timeouts.DEFAULT.connect();
    Duration read = Timeouts.DEFAULT.read();
    Duration send = Timeouts.DEFAULT.send();
    List<String> allow = List.of();
    List<String> blockCidrs = List.of();
    List<String> blockUserAgents = List.of();
    List<String> blockReferers = List.of();
    boolean proxyProtocol;
    List<String> realIp = EdgeSettings.ANYWHERE;
    boolean forwardedHeaders;
    boolean underscores;
    io.kubeway.state.http.@Nullable LogFormat logFormat;
    String authUrl = "";
    @Nullable String authMethod;
    @Nullable String authSignin;
    String authParam = "rd";
    List<String> authHeaders = List.of();
    @Nullable String authRedirect;
    boolean authAlwaysSetCookie;
    String authCacheKey = "";
    String authCacheDuration = io.kubeway.state.http.AuthCachePolicy.DEFAULT_DURATION;
    List<String> noAuthLocations = List.of(GlobalAuth.DEFAULT_NO_AUTH_LOCATIONS);
    boolean fullForwardedFor;
    /** forwarded-for-header, lower case. */
    String forwardedFor = "x-forwarded-for";
    Set<Integer> customErrors = Set.of();
    long keepAlive = 75;
    int keepAliveRequests = 1000;
    int upstreamIdle = 320;
    long upstreamTimeout = 60;
    int upstreamRequests = 10_000;
    int headerBuffers = 4;
    int headerBufferSize = 8 * 1024;
    List<String> tlsProtocols = List.of("TLSv1.3", "TLSv1.2");
    List<String> tlsCiphers = TlsSettingsReader.ciphers(INGRESS_NGINX_CIPHERS, n -> { });
    /** What a valid value leaves out, for a Warning. */
    final List<String> notes = new ArrayList<>();

    static void apply(String key, String v, ConfigMapValues p) {
        switch (key) {
            case "ssl-redirect" -> p.sslRedirect = bool(v);
            case "force-ssl-redirect" -> p.forceSslRedirect = bool(v);
            case "hsts" -> p.hsts = bool(v);
            case "hsts-max-age" -> p.hstsMaxAge = integer(v, 0, 1L << 40);
            case "hsts-include-subdomains" -> p.hstsSubdomains = bool(v);
            case "hsts-preload" -> p.hstsPreload = bool(v);
            case "proxy-body-size" -> {
                Long size = AnnotationReader.sizeOf(v);
                if (size == null) throw new IllegalArgumentException("must be a size such as 512, 8k, 8m or 1g");
                p.maxBody = size;
            }
            case "proxy-connect-timeout" -> p.connect = seconds(v);
            case "proxy-read-timeout" -> p.read = seconds(v);
            case "proxy-send-timeout" -> p.send = seconds(v);
            case "whitelist-source-range" -> p.allow = cidrs(v);
            case "block-cidrs" -> p.blockCidrs = cidrs(v);
            case "block-user-agents" -> p.blockUserAgents = patterns(v);
            case "block-referers" -> p.blockReferers = patterns(v);
            case "use-proxy-protocol" -> p.proxyProtocol = bool(v);
            case "proxy-real-ip-cidr" -> {
                List<String> c = cidrs(v);
                if (c.isEmpty()) throw new IllegalArgumentException("must name at least one CIDR");
                p.realIp = c;
            }
            case "use-forwarded-headers" -> p.forwardedHeaders = bool(v);
            case "enable-underscores-in-headers" -> p.underscores = bool(v);
            case "server-tokens", "allow-snippet-annotations" -> bool(v);
            case "log-format-upstream" -> p.logFormat = io.kubeway.state.http.LogFormat.parse(v);
            case "global-auth-url" -> p.authUrl = v.isEmpty() ? "" : valid(v, ExternalAuthAnnotations.urlError(v));
            case "global-auth-method" -> p.authMethod = v.isEmpty() ? null
                    : valid(v, ExternalAuthAnnotations.methodError(v));
            case "global-auth-signin" -> p.authSignin = v.isEmpty() ? null
                    : valid(v, ExternalAuthAnnotations.signinError(v));
            case "global-auth-signin-redirect-param" -> p.authParam = v.isEmpty() ? "rd"
                    : valid(v, ExternalAuthAnnotations.paramError(v));
            case "global-auth-response-headers" -> {
                String bad = ExternalAuthAnnotations.badHeader(v);
                if (bad != null) throw new IllegalArgumentException("\"" + bad + "\" is not a header name");
                p.authHeaders = ExternalAuthAnnotations.headers(v);
            }
            case "global-auth-request-redirect" -> p.authRedirect = v.isEmpty() ? null
                    : valid(v, ExternalAuthAnnotations.redirectError(v));
            case "global-auth-always-set-cookie" -> p.authAlwaysSetCookie = bool(v);
            case "global-auth-cache-key" -> {
                if (!v.isEmpty()) io.kubeway.state.http.AuthCachePolicy.parse(v, null);
                p.authCacheKey = v;
            }
            case "global-auth-cache-duration" -> {
                io.kubeway.state.http.AuthCachePolicy.durations(v);
                p.authCacheDuration = v;
            }
            case "no-auth-locations" -> p.noAuthLocations = entries(v);
            case "compute-full-forwarded-for" -> p.fullForwardedFor = bool(v);
            case "forwarded-for-header" -> p.forwardedFor = headerName(v);
            case "custom-http-errors" -> {
                Set<Integer> codes = v.isEmpty() ? Set.of() : UpstreamPolicyAnnotations.parseCodes(v);
                if (codes == null) throw new IllegalArgumentException(UpstreamPolicyAnnotations.CODES_RULE);
                p.customErrors = codes;
            }
            case "keep-alive" -> p.keepAlive = integer(v, 0, 24 * 3600);
            case "keep-alive-requests" -> p.keepAliveRequests = (int) integer(v, 1, Integer.MAX_VALUE);
            case "upstream-keepalive-connections" -> p.upstreamIdle = (int) integer(v, 0, MAX_UPSTREAM_IDLE);
            case "upstream-keepalive-timeout" -> p.upstreamTimeout = integer(v, 1, 24 * 3600);
            case "upstream-keepalive-requests" -> p.upstreamRequests = (int) integer(v, 1, Integer.MAX_VALUE);
            case "large-client-header-buffers" -> headerBuffers(v, p);
            case "ssl-protocols" -> p.tlsProtocols = TlsSettingsReader.protocols(v, p.notes::add);
            case "ssl-ciphers" -> p.tlsCiphers = TlsSettingsReader.ciphers(v, p.notes::add);
            default -> throw new IllegalStateException("no parser for " + key);
        }
    }

    private static String valid(String v, @Nullable String error) {
        if (error != null) throw new IllegalArgumentException(error);
        return v;
    }

    /**
     * nginx's {@code large_client_header_buffers NUMBER SIZE}: a request line must fit one buffer (Kubeway: the
     * request line limit is SIZE, 414 past it) and the whole head the buffers (Kubeway: the header block limit is
     * NUMBER × SIZE, 431 past it).
     */
    private static void headerBuffers(String v, ConfigMapValues p) {
        String[] parts = v.strip().split("\\s+");
        if (parts.length != 2) throw new IllegalArgumentException("must be a number and a size, such as \"4 8k\"");
        long n = integer(parts[0], 1, 1024);
        Long size = AnnotationReader.sizeOf(parts[1]);
        if (size == null) throw new IllegalArgumentException("\"" + parts[1] + "\" is not a size such as 8k");
        if (size < 1024 || size > MAX_HEADER_BUFFER_BYTES) {
            throw new IllegalArgumentException("the size must be between 1k and 1m");
        }
        if (n * size > MAX_HEADER_BUFFER_BYTES) {
            throw new IllegalArgumentException("number × size must be at most 1m");
        }
        p.headerBuffers = (int) n;
        p.headerBufferSize = size.intValue();
    }

    /** An HTTP field name (RFC 9110's token), lower case: the header nginx's {@code real_ip_header} names. */
    private static String headerName(String v) {
        if (v.isEmpty() || v.length() > MAX_HEADER_NAME) {
            throw new IllegalArgumentException("must be a header name of 1 to " + MAX_HEADER_NAME + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                throw new IllegalArgumentException("must be a header name (letters, digits and !#$%&'*+-.^_`|~)");
            }
        }
        return v.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean bool(String v) {
        Boolean b = AnnotationReader.goBool(v);
        if (b == null) throw new IllegalArgumentException("must be \"true\" or \"false\"");
        return b;
    }

    private static long integer(String v, long min, long max) {
        if (!v.matches("[0-9]{1,15}")) throw new IllegalArgumentException("must be a whole number");
        long n = Long.parseLong(v);
        if (n < min || n > max) throw new IllegalArgumentException("must be between " + min + " and " + max);
        return n;
    }

    private static Duration seconds(String v) {
        return Duration.ofSeconds(integer(v, 1, 365L * 24 * 3600));
    }

    /** A comma-separated list of CIDRs or addresses, canonical; empty for "". */
    private static List<String> cidrs(String v) {
        List<String> out = new ArrayList<>();
        for (String part : entries(v)) {
            try {
                out.add(CidrBlock.parse(part).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + part + "\" is not a CIDR or IP address");
            }
        }
        return out;
    }

    /** block-user-agents / block-referers: comma-separated, {@code ~} and {@code ~*} entries compiled to check. */
    private static List<String> patterns(String v) {
        List<String> out = entries(v);
        new GlobalRules(null, List.of(), out, List.of(), null); // compiles each entry, naming a bad one
        return out;
    }

    private static List<String> entries(String v) {
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (!part.isBlank()) out.add(part.strip());
        }
        if (out.size() > MAX_LIST_ENTRIES) {
            throw new IllegalArgumentException(out.size() + " entries, more than the limit of " + MAX_LIST_ENTRIES);
        }
        return out;
    }
}
