package io.kubeway.dataplane.http;

import io.kubeway.core.Protocol;
import io.kubeway.dataplane.proxy.FakeClock;
import io.kubeway.dataplane.proxy.TestNet;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.Router;
import io.kubeway.state.http.TlsCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A running {@link HttpDataplane} on two event loops with a fake clock, for end-to-end tests. */
final class ProxyFixture implements AutoCloseable {
    static final Transport TRANSPORT = Transport.select("auto");

    final EventLoopGroup group = TRANSPORT.newGroup(2, "http-test");
    final FakeClock clock = new FakeClock();
    final MeterRegistry registry;
    final HttpDataplane proxy;

    ProxyFixture() {
        this(HttpEngineConfig.defaults());
    }

    /** Routers of {@link #byHost}, by the request's host. */
    final Map<String, Router> hosts = new java.util.concurrent.ConcurrentHashMap<>();
    /** Routes by host to the routers in {@link #hosts}; 404 for unknown hosts. */
    final Router byHost = r -> hosts.getOrDefault(r.host(), Fwd.respond(404, Map.of(), "no route")).route(r);

    ProxyFixture(HttpEngineConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    ProxyFixture(HttpEngineConfig config, MeterRegistry registry) {
        this.registry = registry;
        proxy = new HttpDataplane(TRANSPORT, group, config, registry, clock);
    }

    static ListenKey key(String ip) {
        return TestNet.key(ip, Protocol.TCP);
    }

    /** Listens for HTTP on a free port of {@code ip} with {@code router}. */
    ListenKey http(String ip, Router router) {
        ListenKey key = key(ip);
        assertThat(proxy.apply(new HttpState(List.of(key), List.of(), router, Map.of(), null))).isEmpty();
        return key;
    }

    Map<ListenKey, String> apply(List<ListenKey> http, List<ListenKey> https, Router router,
                                 Map<String, TlsCertificate> certs, TlsCertificate defaultCert) {
        return proxy.apply(new HttpState(http, https, router, certs, defaultCert));
    }

    static InetSocketAddress addr(ListenKey key) {
        return key.socketAddress();
    }

    @Override
    public void close() {
        proxy.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
