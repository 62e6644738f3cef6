package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.state.http.ConnectionSettings;
import io.kubeway.state.http.EdgeSettings;
import io.kubeway.state.http.routing.RoutePolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ingress-nginx's controller ConfigMap: keys, value formats, defaults, last good values, fail closed. */
class ControllerConfigMapTest {
    private final ControllerConfigMap reader = new ControllerConfigMap(new NamespacedName("ingress-nginx", "ctl"));
    private final List<Problem> problems = new ArrayList<>();

    private ControllerConfig read(Map<String, String> data) {
        problems.clear();
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx").withName("ctl")
                .endMetadata().withData(data).build();
        return reader.read(cm, "ctl.yaml", problems);
    }

    private List<String> messages() {
        return problems.stream().map(Problem::message).toList();
    }

    @Test
    void ingressNginxDefaultsWithAnEmptyConfigMap() {
        ControllerConfig c = read(Map.of());
        assertThat(problems).isEmpty();
        assertThat(c.base()).isEqualTo(RoutePolicy.DEFAULT);
        assertThat(c.rules().hsts()).isEqualTo("max-age=15724800; includeSubDomains");
        assertThat(c.rules().denied()).isNull();
        assertThat(c.edge()).usingRecursiveComparison().ignoringFields("connections", "fullForwardedFor")
                .isEqualTo(EdgeSettings.DEFAULT);
        assertThat(c.edge().fullForwardedFor()).as("compute-full-forwarded-for false: the client alone").isFalse();
        assertThat(c.edge().connections()).as("ingress-nginx's defaults").isEqualTo(new ConnectionSettings(
                Duration.ofSeconds(75), 1000, 320, Duration.ofSeconds(60), 10_000, 32 * 1024, 8 * 1024,
                List.of("TLSv1.3", "TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384")));
        assertThat(c.settings()).extracting(ControllerConfig.Setting::status).containsOnly("default");
        assertThat(c.settings()).hasSize(ControllerConfigMap.DEFAULTS.size());
    }

    @Test
    void everyAppliedKey() {
        ControllerConfig c = read(Map.ofEntries(Map.entry("ssl-redirect", "false"),
                Map.entry("force-ssl-redirect", "true"), Map.entry("hsts-max-age", "60"),
                Map.entry("hsts-include-subdomains", "false"), Map.entry("hsts-preload", "true"),
                Map.entry("proxy-body-size", "8m"), Map.entry("proxy-connect-timeout", "3"),
                Map.entry("proxy-read-timeout", "120"), Map.entry("proxy-send-timeout", "30"),
                Map.entry("whitelist-source-range", "10.0.0.0/8, 192.168.1.1"), Map.entry("block-cidrs", "1.2.3.0/24"),
                Map.entry("block-user-agents", "~*bot, curl"), Map.entry("block-referers", "~spam"),
                Map.entry("use-proxy-protocol", "true"), Map.entry("proxy-real-ip-cidr", "10.0.0.0/8"),
                Map.entry("use-forwarded-headers", "true"), Map.entry("enable-underscores-in-headers", "true")));
        assertThat(messages()).isEmpty();
        RoutePolicy b = c.base();
        assertThat(b.sslRedirect()).isFalse();
        assertThat(b.forceSslRedirect()).isTrue();
        assertThat(b.maxBodyBytes()).isEqualTo(8L << 20);
        assertThat(b.timeouts().connect()).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.timeouts().read()).isEqualTo(Duration.ofSeconds(120));
        assertThat(b.timeouts().send()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.allowSourceRanges()).containsExactly("10.0.0.0/8", "192.168.1.1/32");
        assertThat(c.rules().hsts()).isEqualTo("max-age=60; preload");
        assertThat(c.rules().blockCidrs()).containsExactly("1.2.3.0/24");
        assertThat(c.rules().blockUserAgents()).containsExactly("~*bot", "curl");
        assertThat(c.rules().blockReferers()).containsExactly("~spam");
        assertThat(c.edge()).usingRecursiveComparison().ignoringFields("connections", "fullForwardedFor")
                .isEqualTo(new EdgeSettings(true, List.of("10.0.0.0/8"), List.of("10.0.0.0/8"), true));
        assertThat(read(Map.of("use-forwarded-headers", "true", "compute-full-forwarded-for", "true")).edge()
                .fullForwardedFor()).isTrue();
        assertThat(read(Map.of("compute-full-forwarded-for", "true")).edge().fullForwardedFor())
                .as("only with use-forwarded-headers, as ingress-nginx").isFalse();
        assertThat(read(Map.of("hsts", "false")).rules().hsts()).isNull();
    }

    @Test
    void connectionKeys() {
        ConnectionSettings c = read(Map.of("keep-alive", "0", "keep-alive-requests", "7",
                "upstream-keepalive-connections", "0", "upstream-keepalive-timeout", "5",
                "upstream-keepalive-requests", "9", "large-client-header-buffers", "8 16k",
                "ssl-protocols", "SSLv3 TLSv1.2", "ssl-ciphers",
                "ECDHE-RSA-AES256-GCM-SHA384:!aNULL:TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA:ecdhe-rsa-aes128-sha256"))
                .edge().connections();
        assertThat(c).isEqualTo(new ConnectionSettings(Duration.ZERO, 7, 0, Duration.ofSeconds(5), 9, 128 * 1024,
                16 * 1024, List.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")));
        assertThat(messages()).containsExactlyInAnyOrder(
                "ConfigMap ingress-nginx/ctl: key ssl-protocols: SSLv3 not offered: Kubeway offers only TLSv1.2 and "
                        + "TLSv1.3",
                "ConfigMap ingress-nginx/ctl: key ssl-ciphers: !aNULL ignored: only the suites named are offered");

        ConnectionSettings kept = read(Map.of("keep-alive", "-1", "keep-alive-requests", "0",
                "large-client-header-buffers", "4 2m", "ssl-protocols", "TLSv1.4", "ssl-ciphers", "HIGH:!MD5",
                "upstream-keepalive-connections", "10001")).edge().connections();
        assertThat(kept).usingRecursiveComparison().ignoringFields("upstreamIdleTimeout", "upstreamRequests")
                .isEqualTo(c);
        assertThat(kept.upstreamRequests()).as("absent: the default again").isEqualTo(10_000);
        assertThat(messages()).hasSize(6).allSatisfy(m -> assertThat(m).contains("keeping the last good value"));
        assertThat(messages()).anySatisfy(m -> assertThat(m).contains("\"TLSv1.4\" is not a TLS protocol"))
                .anySatisfy(m -> assertThat(m).contains("\"HIGH\" is not a TLS 1.2 cipher suite"))
                .anySatisfy(m -> assertThat(m).contains("the size must be between 1k and 1m"));
        ControllerConfigMap fresh = new ControllerConfigMap(new NamespacedName("ingress-nginx", "ctl"));
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx").withName("ctl")
                .endMetadata().withData(Map.of("large-client-header-buffers", "256 8k", "ssl-protocols",
                        "TLSv1 TLSv1.1")).build();
        ConnectionSettings defaults = fresh.read(cm, null, new ArrayList<>()).edge().connections();
        assertThat(defaults.maxHeaderBytes()).as("number × size over 1m: the default").isEqualTo(32 * 1024);
        assertThat(defaults.tlsProtocols()).as("nothing offered is invalid").containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void badValuesKeepTheLastGoodOneOrTheDefault() {
        read(Map.of("proxy-body-size", "2m", "whitelist-source-range", "10.0.0.0/8"));
        ControllerConfig c = read(Map.of("proxy-body-size", "2 megs", "whitelist-source-range", "10.0.0.0/8,nope",
                "proxy-read-timeout", "-1"));
        assertThat(c.base().maxBodyBytes()).isEqualTo(2L << 20);
        assertThat(c.base().allowSourceRanges()).containsExactly("10.0.0.0/8");
        assertThat(c.base().timeouts().read()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.rules().denied()).isNull();
        assertThat(messages()).containsExactlyInAnyOrder(
                "ConfigMap ingress-nginx/ctl: key proxy-body-size: invalid value \"2 megs\": must be a size such as "
                        + "512, 8k, 8m or 1g; keeping the last good value \"2m\"",
                "ConfigMap ingress-nginx/ctl: key proxy-read-timeout: invalid value \"-1\": must be a whole number; "
                        + "using the default \"60\"",
                "ConfigMap ingress-nginx/ctl: key whitelist-source-range: invalid value \"10.0.0.0/8,nope\": \"nope\" "
                        + "is not a CIDR or IP address; keeping the last good value \"10.0.0.0/8\"");
        assertThat(c.settings()).filteredOn(s -> s.key().equals("proxy-body-size")).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo("last-good"));
        // the last good value survives as long as the bad one stays
        assertThat(read(Map.of("proxy-body-size", "2 megs")).base().maxBodyBytes()).isEqualTo(2L << 20);
    }

    @Test
    void aBadRestrictionWithNothingToKeepFailsClosed() {
        for (String key : ControllerConfigMap.RESTRICTING) {
            ControllerConfigMap fresh = new ControllerConfigMap(new NamespacedName("ingress-nginx", "ctl"));
            List<Problem> out = new ArrayList<>();
            String bad = key.startsWith("block-u") || key.startsWith("block-r") ? "~(" : "10.0.0.0/40";
            ControllerConfig c = fresh.read(new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx")
                    .withName("ctl").endMetadata().withData(Map.of(key, bad)).build(), null, out);
            assertThat(c.rules().denied()).as(key).contains(key);
            assertThat(out).singleElement().satisfies(p -> assertThat(p.message()).contains(key)
                    .endsWith("it restricts access and has no good value to keep, so every request answers 503 "
                            + "(fail closed)"));
        }
    }

    @Test
    void globalAuthKeysMakeTheGlobalAuthCall() {
        ControllerConfig c = read(Map.of("global-auth-url", "https://auth.example:8443/check?x=1",
                "global-auth-method", "GET", "global-auth-signin", "https://login.example/start",
                "global-auth-signin-redirect-param", "next", "global-auth-response-headers", "X-User, X-Email",
                "global-auth-request-redirect", "https://app.example/", "no-auth-locations", "/public, /health"));
        assertThat(messages()).isEmpty();
        GlobalAuth g = c.auth();
        assertThat(g.denial()).isNull();
        assertThat(g.auth()).isEqualTo(new io.kubeway.state.http.ExternalAuth("https://auth.example:8443/check?x=1",
                true, "auth.example", 8443, "auth.example", "/check?x=1", "GET", "https://login.example/start",
                "next", List.of("X-User", "X-Email"), "https://app.example/"));
        assertThat(g.noAuthLocations()).containsExactly("/public", "/health");
        assertThat(read(Map.of()).auth()).isEqualTo(GlobalAuth.NONE);
    }

    @Test
    void aBadGlobalAuthKeyClosesOnlyWhileGlobalAuthUrlIsSet() {
        ControllerConfig c = read(Map.of("global-auth-url", "http://auth/check", "global-auth-method", "FETCH"));
        assertThat(c.auth().auth()).isNull();
        assertThat(c.auth().denial()).isEqualTo("ConfigMap ingress-nginx/ctl: global-auth-method cannot be honoured");
        assertThat(c.rules().denied()).as("the rest of the traffic is not closed").isNull();
        assertThat(messages()).singleElement().asString().contains("key global-auth-method: invalid value \"FETCH\"")
                .endsWith("every route it protects answers 503 (fail closed)");

        ControllerConfigMap fresh = new ControllerConfigMap(new NamespacedName("ingress-nginx", "ctl"));
        List<Problem> out = new ArrayList<>();
        ControllerConfig noUrl = fresh.read(new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx")
                .withName("ctl").endMetadata().withData(Map.of("global-auth-method", "FETCH")).build(), null, out);
        assertThat(noUrl.auth()).isEqualTo(GlobalAuth.NONE);
        assertThat(out).singleElement().satisfies(p -> assertThat(p.message()).endsWith("using the default \"\""));

        // A good URL, then a bad one: the last good one stays in effect.
        read(Map.of("global-auth-url", "http://auth/a"));
        ControllerConfig kept = read(Map.of("global-auth-url", "http://auth/$host"));
        assertThat(kept.auth().auth()).extracting(io.kubeway.state.http.ExternalAuth::url).isEqualTo("http://auth/a");
        assertThat(kept.auth().denial()).isNull();

        ControllerConfig snippet = read(Map.of("global-auth-url", "http://auth/a", "global-auth-snippet", "x;"));
        assertThat(snippet.auth().denial()).contains("global-auth-snippet");
    }

    @Test
    void unknownAndUnsupportedKeysWarnOnceEach() {
        ControllerConfig c = read(Map.of("use-gzip", "true", "global-auth-snippet", "x;", "no-such-key", "1",
                "allow-snippet-annotations", "true", "server-tokens", "false"));
        assertThat(messages()).containsExactlyInAnyOrder(
                "ConfigMap ingress-nginx/ctl: key global-auth-snippet is not applied: snippets are nginx configuration; "
                        + "Kubeway never runs them (with global-auth-url set, the routes the global auth protects "
                        + "answer 503: fail closed)",
                "ConfigMap ingress-nginx/ctl: key use-gzip is not applied: Kubeway does not compress responses",
                "ConfigMap ingress-nginx/ctl: key no-such-key is not applied: not a controller ConfigMap key Kubeway "
                        + "knows",
                "ConfigMap ingress-nginx/ctl: allow-snippet-annotations is true, but snippet annotations stay refused: "
                        + "Kubeway never runs nginx configuration");
        assertThat(c.settings()).filteredOn(s -> s.status().equals("not-applied")).extracting(ControllerConfig.Setting::key)
                .containsExactly("global-auth-snippet", "no-such-key", "use-gzip");
    }

    @Test
    void logFormatUpstreamInNginxSyntax() {
        ControllerConfig c = read(Map.of("log-format-upstream", "$remote_addr ${status} x$request_time"));
        assertThat(messages()).isEmpty();
        assertThat(c.edge().logFormat().parts()).containsExactly("\u0001remote_addr", " ", "\u0001status", " x",
                "\u0001request_time");
        ControllerConfig bad = read(Map.of("log-format-upstream", "$remote_addr $geoip_country_code"));
        assertThat(bad.edge().logFormat()).as("the last good format").isEqualTo(c.edge().logFormat());
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m).startsWith("ConfigMap ingress-nginx/ctl: key "
                + "log-format-upstream: invalid value \"$remote_addr $geoip_country_code\": variable "
                + "$geoip_country_code is not one Kubeway has"));
        assertThat(io.kubeway.state.http.LogFormat.parse(io.kubeway.state.http.LogFormat.INGRESS_NGINX_DEFAULT)
                .parts()).hasSize(33);
    }

    @Test
    void customHttpErrorsParsesAsTheAnnotationAndKeepsTheLastGoodList() {
        assertThat(read(Map.of()).customHttpErrors()).as("ingress-nginx's default: none").isEmpty();
        ControllerConfig c = read(Map.of("custom-http-errors", "404, 503,502,"));
        assertThat(messages()).isEmpty();
        assertThat(c.customHttpErrors()).containsExactlyInAnyOrder(404, 502, 503);
        assertThat(c.settings()).contains(new ControllerConfig.Setting("custom-http-errors", "404, 503,502,", "applied",
                ""));
        ControllerConfig bad = read(Map.of("custom-http-errors", "404,200"));
        assertThat(bad.customHttpErrors()).as("the last good list").containsExactlyInAnyOrder(404, 502, 503);
        assertThat(messages()).containsExactly("ConfigMap ingress-nginx/ctl: key custom-http-errors: invalid value "
                + "\"404,200\": must be a comma-separated list of statuses from 300 to 599; keeping the last good value "
                + "\"404, 503,502,\"");
        assertThat(read(Map.of("custom-http-errors", "")).customHttpErrors()).as("emptied: none").isEmpty();
        assertThat(read(Map.of("custom-http-errors", "5o3")).customHttpErrors()).as("no good value before: none")
                .isEmpty();
    }

    @Test
    void forwardedForHeaderNamesTheClientAddressHeader() {
        assertThat(read(Map.of("use-forwarded-headers", "true")).edge().forwardedForHeader())
                .as("the default X-Forwarded-For: nothing to decide per request").isNull();
        assertThat(read(Map.of("use-forwarded-headers", "true", "forwarded-for-header", "x-forwarded-FOR")).edge()
                .forwardedForHeader()).isNull();
        ControllerConfig c = read(Map.of("use-forwarded-headers", "true", "forwarded-for-header", "CF-Connecting-IP"));
        assertThat(messages()).isEmpty();
        assertThat(c.edge().forwardedForHeader()).isEqualTo("cf-connecting-ip");
        assertThat(c.edge().trustedProxies()).containsExactly("0.0.0.0/0");

        ControllerConfig bad = read(Map.of("use-forwarded-headers", "true", "forwarded-for-header", "CF Connecting IP"));
        assertThat(bad.edge().forwardedForHeader()).as("the last good name").isEqualTo("cf-connecting-ip");
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m).startsWith("ConfigMap ingress-nginx/ctl: "
                + "key forwarded-for-header: invalid value \"CF Connecting IP\": must be a header name"));
        read(Map.of("use-forwarded-headers", "true", "forwarded-for-header",
                "x".repeat(ControllerConfigMap.MAX_HEADER_NAME + 1)));
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m).contains("1 to 256 characters"));

        ControllerConfig off = read(Map.of("forwarded-for-header", "True-Client-IP"));
        assertThat(off.edge().forwardedForHeader()).isNull();
        assertThat(messages()).containsExactly("ConfigMap ingress-nginx/ctl: forwarded-for-header True-Client-IP has no "
                + "effect: without use-forwarded-headers: \"true\" no header gives the client address (as in "
                + "ingress-nginx)");
        ControllerConfig proxied = read(Map.of("use-forwarded-headers", "true", "use-proxy-protocol", "true",
                "forwarded-for-header", "True-Client-IP"));
        assertThat(proxied.edge().forwardedForHeader()).isNull();
        assertThat(messages()).containsExactly("ConfigMap ingress-nginx/ctl: forwarded-for-header True-Client-IP has no "
                + "effect: with use-proxy-protocol the client address comes from the PROXY header (as in ingress-nginx)");
    }

    @Test
    void aMissingConfigMapGivesDefaultsAndOneWarning() {
        ControllerConfig c = reader.read(null, null, problems);
        assertThat(c.base()).isEqualTo(RoutePolicy.DEFAULT);
        assertThat(messages()).containsExactly("ConfigMap ingress-nginx/ctl (--configmap) does not exist; using "
                + "ingress-nginx's defaults");
    }

    @Test
    void listsAreBounded() {
        String many = String.join(",", java.util.Collections.nCopies(ControllerConfigMap.MAX_LIST_ENTRIES + 1, "x"));
        ControllerConfig c = read(Map.of("block-user-agents", many));
        assertThat(c.rules().denied()).isNotNull();
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m).contains("1001 entries, more than the "
                + "limit of 1000"));
    }
}
