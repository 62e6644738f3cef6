package io.kubeway.dataplane.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.dataplane.proxy.TestNet;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.Router;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** Prometheus metrics per ingress, host, path and status, and the access log in both formats. */
class ObservabilityTest {
    static EchoServer echo;
    final ListAppender<ILoggingEvent> access = new ListAppender<>();
    ProxyFixture f;

    @BeforeAll
    static void start() {
        TestLogging.quiet();
        echo = EchoServer.start(new InetSocketAddress(ip("127.86.1.1"), 0), "echo");
    }

    @AfterAll
    static void stopEcho() {
        echo.close();
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(access);
        if (f != null) f.close();
    }

    private ListenKey serve(String accessLog, PrometheusMeterRegistry registry) {
        f = new ProxyFixture(HttpEngineConfig.defaults().withAccessLog(accessLog), registry);
        Fwd shop = Fwd.to(echo.address());
        shop.host = "shop.test";
        shop.path = "/api";
        f.hosts.put("shop.test", shop.router());
        InetSocketAddress dead = new InetSocketAddress(ip("127.86.3.1"), TestNet.freePort(ip("127.86.3.1")));
        Fwd broken = Fwd.to(dead);
        broken.ingress = "demo/broken";
        broken.host = "broken.test";
        f.hosts.put("broken.test", broken.router());
        access.start();
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).addAppender(access);
        return f.http("127.86.0.1", f.byHost);
    }

    @Test
    void prometheusSeriesPerRouteAndStatus() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ListenKey key = serve("off", registry);
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            for (int i = 0; i < 3; i++) assertThat(c.send("POST /api/x?i=" + i + " HTTP/1.1\r\nHost: shop.test\r\n"
                    + "Content-Length: 4\r\n\r\nbody").status()).isEqualTo(200);
            assertThat(c.send(RawHttp.get("/", "nowhere.test")).status()).isEqualTo(404);
            assertThat(c.send(RawHttp.get("/", "broken.test")).status()).isEqualTo(502);
        }
        String scrape = registry.scrape();
        String shop = "host=\"shop.test\",ingress=\"demo/web\",path=\"/api\",status=\"200\"";
        assertThat(scrape).contains("kubeway_http_requests_total{" + shop + "} 3")
                .contains("kubeway_http_request_duration_seconds_bucket{" + shop + ",le=\"0.005\"}")
                .contains("kubeway_http_request_duration_seconds_count{" + shop + "} 3")
                .contains("kubeway_http_request_bytes_total{" + shop + "} 12")
                .containsPattern("kubeway_http_response_bytes_total\\{" + java.util.regex.Pattern.quote(shop) + "} [1-9]")
                .contains("kubeway_http_requests_total{host=\"\",ingress=\"demo/redirect\",path=\"\",status=\"404\"} 1")
                .contains("kubeway_http_requests_total{host=\"broken.test\",ingress=\"demo/broken\",path=\"/\",status=\"502\"} 1");
        assertThat(access.list).isEmpty();
    }

    @Test
    void metersOfRemovedIngressesLeaveTheScrape() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ListenKey key = serve("off", registry);
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            assertThat(c.send(RawHttp.get("/api", "shop.test")).status()).isEqualTo(200);
            assertThat(c.send(RawHttp.get("/", "broken.test")).status()).isEqualTo(502);
        }
        assertThat(registry.scrape()).contains("ingress=\"demo/broken\"");
        Router withoutBroken = new Router() { // demo/broken was deleted
            @Override
            public RouteDecision route(RequestView request) {
                return f.byHost.route(request);
            }

            @Override
            public Set<String> ingresses() {
                return Set.of("demo/web");
            }
        };
        assertThat(f.apply(List.of(key), List.of(), withoutBroken, Map.of(), null)).isEmpty();
        assertThat(registry.scrape()).contains("kubeway_http_requests_total{host=\"shop.test\",ingress=\"demo/web\"")
                .doesNotContain("demo/broken");
    }

    @Test
    void textAccessLogLooksLikeIngressNginx() throws IOException {
        ListenKey key = serve("text", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        RawHttp.once(key.socketAddress(), RawHttp.get("/api/x?y=1", "shop.test", "User-Agent: curl/8", "Referer: http://r/",
                "X-Request-ID: req-1"));
        assertThat(access.list).hasSize(1);
        String line = access.list.getFirst().getFormattedMessage();
        assertThat(line).matches("127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000] "
                + "\"GET /api/x\\?y=1 HTTP/1\\.1\" 200 \\d+ \"http://r/\" \"curl/8\" 0 \\d+\\.\\d{3} \\[demo/web:80] \\[] "
                + "127\\.86\\.1\\.1:\\d+ \\d+ \\d+\\.\\d{3} 200 req-1");
    }

    @Test
    void jsonAccessLog() throws IOException {
        ListenKey key = serve("json", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        RawHttp.once(key.socketAddress(), RawHttp.get("/a\"b", "broken.test", "User-Agent: x\ty"));
        JsonNode line = Serialization.jsonMapper().readTree(access.list.getFirst().getFormattedMessage());
        assertThat(line.get("status").asInt()).isEqualTo(502);
        assertThat(line.get("uri").asString()).isEqualTo("/a\"b");
        assertThat(line.get("user_agent").asString()).isEqualTo("x\ty");
        assertThat(line.get("ingress").asString()).isEqualTo("demo/broken");
        assertThat(line.get("request_id").asString()).hasSize(32);
        assertThat(line.has("upstream_status")).isFalse();
        assertThat(line.get("request_time").isNumber()).isTrue();
        assertThat(Map.of("method", line.get("method").asString())).containsEntry("method", "GET");
        assertThat(List.of(line.get("protocol").asString())).containsExactly("HTTP/1.1");
    }
}
