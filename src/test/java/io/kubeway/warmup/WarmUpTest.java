package io.kubeway.warmup;

import io.kubeway.dataplane.http.HttpEngineConfig;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The start-up warm-up with real sockets: a short run sends real requests through the private Ingress and L4
 * listeners to its backend, leaves nothing bound, and shows in no meter but its own.
 */
class WarmUpTest {
    private static final Transport TRANSPORT = Transport.select("auto");
    private final EventLoopGroup group = TRANSPORT.newGroup(1, "warm-up-test");

    /** Stops at 300 requests or 10 s; never as settled (no interval adds less than 0 ms), so the caps decide. */
    private static final WarmUpSettings SHORT = new WarmUpSettings(true, Duration.ofSeconds(10), 300, Duration.ZERO,
            Duration.ofMillis(100), 0, 1, 2);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void aShortWarmUpProxiesRealRequestsToItsBackendAndLeavesNothingBound() throws Exception {
        WarmUp w = new WarmUp(SHORT, true, TRANSPORT, group, HttpEngineConfig.defaults(), Clock.systemUTC());

        WarmUp.Result r = w.run();

        assertThat(r.stopped()).isEqualTo("request cap");
        assertThat(r.requests()).isGreaterThanOrEqualTo(300);
        // every answered request went through one of the private listeners to the backend, which saw it
        assertThat(r.backendRequests()).isGreaterThanOrEqualTo(r.requests());
        // the private engine and L4 listener counted them in their own registry: the proxy path ran
        assertThat(r.proxiedHttp()).isPositive();
        assertThat(r.l4Connections()).isPositive();
        assertThat(r.listeners()).hasSize(3);
        for (InetSocketAddress a : r.listeners()) {
            assertThat(a.getAddress().isLoopbackAddress()).isTrue();
            assertThatThrownBy(() -> connect(a)).as("nothing listens on %s after the warm-up", a)
                    .isInstanceOf(ConnectException.class);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("kubeway-warm-up")));
    }

    @Test
    void withoutTheIngressRoleOnlyTheL4PathIsWarmed() throws Exception {
        WarmUp w = new WarmUp(SHORT, false, TRANSPORT, group, HttpEngineConfig.defaults(), Clock.systemUTC());

        WarmUp.Result r = w.run();

        assertThat(r.requests()).isGreaterThanOrEqualTo(300);
        assertThat(r.backendRequests()).isGreaterThanOrEqualTo(r.requests());
        assertThat(r.proxiedHttp()).isZero();
        assertThat(r.l4Connections()).isPositive();
        assertThat(r.listeners()).hasSize(2);
        for (InetSocketAddress a : r.listeners()) {
            assertThatThrownBy(() -> connect(a)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void theRealRegistryGetsOnlyTheWarmUpsOwnMetersAndReadinessWaits() {
        PrometheusMeterRegistry real = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StartupWarmUp s = new StartupWarmUp(SHORT, true, TRANSPORT, group,
                HttpEngineConfig.defaults().withAccessLog("json"), real, Clock.systemUTC());

        s.start();
        assertThat(s.notReady()).singleElement().asString().startsWith("warm-up: compiling the request path");
        await().atMost(Duration.ofSeconds(20)).until(() -> !s.active());

        assertThat(s.notReady()).isEmpty();
        assertThat(real.getMeters()).extracting(m -> m.getId().getName())
                .containsExactlyInAnyOrder("kubeway.warmup.active", "kubeway.warmup.requests", "kubeway.warmup.duration");
        assertThat(real.get("kubeway.warmup.requests").functionCounter().count()).isGreaterThanOrEqualTo(300);
        assertThat(real.get("kubeway.warmup.active").gauge().value()).isZero();
        assertThat(real.get("kubeway.warmup.duration").gauge().value()).isPositive();
        assertThat(real.scrape()).doesNotContain("kubeway_http_").doesNotContain("kubeway_connections");
        s.close();
    }

    @Test
    void aFailedWarmUpEndsAndNeverHoldsReadiness() {
        EventLoopGroup gone = TRANSPORT.newGroup(1, "warm-up-gone");
        gone.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
        PrometheusMeterRegistry real = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StartupWarmUp s = new StartupWarmUp(SHORT, true, TRANSPORT, gone, HttpEngineConfig.defaults(), real, Clock.systemUTC());

        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !s.active());

        assertThat(s.notReady()).isEmpty();
        assertThat(real.get("kubeway.warmup.requests").functionCounter().count()).isZero();
        s.close();
    }

    @Test
    void offRegistersNothingAndNeverRuns() {
        PrometheusMeterRegistry real = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StartupWarmUp s = new StartupWarmUp(WarmUpSettings.OFF, true, TRANSPORT, group, HttpEngineConfig.defaults(), real,
                Clock.systemUTC());
        s.start();
        assertThat(s.active()).isFalse();
        assertThat(s.notReady()).isEmpty();
        assertThat(real.getMeters()).extracting(Meter::getId).isEmpty();
        s.close();
    }

    @Test
    void theFlagTakesAutoOffOrACap() {
        assertThat(WarmUpSettings.parse("auto")).isEqualTo(WarmUpSettings.AUTO);
        assertThat(WarmUpSettings.AUTO.cap()).isEqualTo(Duration.ofSeconds(30));
        assertThat(WarmUpSettings.parse("off").enabled()).isFalse();
        assertThat(WarmUpSettings.parse("10s").cap()).isEqualTo(Duration.ofSeconds(10));
        assertThat(WarmUpSettings.parse("1m").cap()).isEqualTo(Duration.ofMinutes(1));
        assertThat(WarmUpSettings.parse("500ms").cap()).isEqualTo(Duration.ofMillis(500));
        for (String bad : new String[] {"10", "abc", "11m", "-5s", "s", ""}) {
            assertThatThrownBy(() -> WarmUpSettings.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--warm-up");
        }
    }

    private static void connect(InetSocketAddress a) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(a, 1000);
        }
    }
}
