package io.kubeway.dataplane.proxy;

import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.Cluster;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.ServicePortName;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static io.kubeway.dataplane.proxy.TestNet.key;
import static io.kubeway.dataplane.proxy.TestNet.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Prometheus names, tags and values of the proxy's meters, and their removal with the listener. */
class ProxyMetricsTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EchoServer echo;
    ProxyDataplane proxy;

    @BeforeEach
    void start() {
        echo = EchoServer.start(new InetSocketAddress(ip("127.80.1.1"), 0), "echo");
        proxy = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(1), registry, new FakeClock());
    }

    @AfterEach
    void stop() {
        proxy.close();
        echo.close();
    }

    @Test
    void countsConnectionsBytesRejectsAndActiveConnections() throws IOException {
        ListenKey web = key("127.80.0.1", Protocol.TCP);
        ListenKey webOnOtherNodeIp = key("127.80.0.2", Protocol.TCP);
        ListenKey empty = key("127.80.0.3", Protocol.TCP);
        proxy.apply(state(nodePort(web, "web", echo.address()), nodePort(webOnOtherNodeIp, "web", echo.address()),
                nodePort(empty, "empty")));
        String tags = "kind=\"NodePort\",service=\"demo/web:http/TCP\"";

        try (Socket s = new Socket(web.address(), web.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(new byte[1000]);
            assertThat(s.getInputStream().readNBytes(1000)).hasSize(1000);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.scrape().contains("kubeway_active_connections{" + tags + "} 1"));
        }
        try (Socket s = new Socket(webOnOtherNodeIp.address(), webOnOtherNodeIp.port())) {
            s.getOutputStream().write(new byte[10]);
            assertThat(s.getInputStream().readNBytes(10)).hasSize(10);
        }
        assertThat(TestNet.refusal(empty.socketAddress())).hasMessageContaining("reset");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lines()).contains(
                "kubeway_connections_total{" + tags + "} 2.0",
                "kubeway_active_connections{" + tags + "} 0.0",
                "kubeway_bytes_total{direction=\"rx\"," + tags + "} 1010.0",
                "kubeway_bytes_total{direction=\"tx\"," + tags + "} 1010.0",
                "kubeway_connections_rejected_total{kind=\"NodePort\",service=\"demo/empty:http/TCP\"} 1.0",
                "kubeway_connections_rejected_total{" + tags + "} 0.0"));
    }

    @Test
    void metersLeaveWithTheirLastListener() {
        ListenKey k1 = key("127.80.0.4", Protocol.TCP);
        ListenKey k2 = key("127.80.0.5", Protocol.TCP);
        proxy.apply(state(nodePort(k1, "web", echo.address()), nodePort(k2, "web", echo.address())));
        assertThat(registry.scrape()).contains("service=\"demo/web:http/TCP\"");

        proxy.apply(state(nodePort(k2, "web", echo.address())));
        assertThat(registry.scrape()).contains("service=\"demo/web:http/TCP\"");

        proxy.apply(state(nodePort(k2, "renamed", echo.address())));
        assertThat(registry.scrape()).doesNotContain("service=\"demo/web:http/TCP\"")
                .contains("service=\"demo/renamed:http/TCP\"");

        proxy.apply(DesiredState.EMPTY);
        assertThat(registry.scrape()).doesNotContain("kubeway_");
    }

    private List<String> lines() {
        return registry.scrape().lines().filter(l -> l.startsWith("kubeway_")).toList();
    }

    private static L4Listener nodePort(ListenKey key, String service, InetSocketAddress... endpoints) {
        ServicePortName spn = new ServicePortName(new NamespacedName("demo", service), "http", Protocol.TCP);
        return new L4Listener(key, spn, "NodePort",
                new Cluster(spn.toString(), java.util.Arrays.stream(endpoints).map(TestNet::endpoint).toList(), 0));
    }
}
