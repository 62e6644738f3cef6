package io.kubeway.dataplane.proxy.l4;

import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.dataplane.proxy.FakeClock;
import io.kubeway.dataplane.proxy.lb.AffinityTable;
import io.kubeway.dataplane.proxy.lb.Balancer;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.state.Cluster;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.ServicePortName;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** Handler logic on EmbeddedChannels: no sockets, no event loop threads. */
class L4HandlersTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ServiceMeters meters = new ServiceMetersPool(registry).acquire("ns/svc:p/TCP", "ClusterIP");

    @Test
    void frontendWithoutEndpointsClosesAtOnceAndCountsARejection() {
        ServicePortName spn = new ServicePortName(new NamespacedName("ns", "svc"), "p", Protocol.TCP);
        L4Listener spec = new L4Listener(new ListenKey(ip("127.0.0.1"), 80, Protocol.TCP), spn, "ClusterIP",
                new Cluster("c", List.of(), 0));
        Route route = new Route(spec, new Balancer(spec.cluster(), new AffinityTable(), new FakeClock()), meters);
        L4Context l4 = new L4Context(new DefaultEventLoop(), Transport.select("nio"), new FakeClock(),
                Duration.ofSeconds(1), Duration.ofSeconds(1));

        EmbeddedChannel client = new EmbeddedChannel(new TcpFrontendHandler(route, l4));

        assertThat(client.isOpen()).isFalse();
        assertThat(registry.get(ServiceMeters.REJECTED).counter().count()).isEqualTo(1);
        assertThat(registry.get(ServiceMeters.CONNECTIONS).counter().count()).isZero();
        l4.group().shutdownGracefully();
    }

    @Test
    void relayForwardsCountsAndClosesThePeerAfterFlushing() {
        EmbeddedChannel backend = new EmbeddedChannel();
        EmbeddedChannel client = new EmbeddedChannel(new TcpRelay(backend, meters.rx()));

        client.writeInbound(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        ByteBuf forwarded = backend.readOutbound();
        assertThat(forwarded.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        forwarded.release();
        assertThat(meters.rx().count()).isEqualTo(5);

        client.close();
        assertThat(backend.isOpen()).isFalse();
    }
}
