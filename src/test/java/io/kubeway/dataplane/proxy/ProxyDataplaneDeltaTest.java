package io.kubeway.dataplane.proxy;

import io.kubeway.core.Protocol;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.HttpState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static io.kubeway.dataplane.proxy.TestNet.key;
import static io.kubeway.dataplane.proxy.TestNet.listener;
import static io.kubeway.dataplane.proxy.TestNet.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A state with a delta from the state applied last is applied by its keys alone: added, changed and removed
 * listeners take effect with real sockets, keys outside the delta are not looked at, and a key that failed to bind
 * is retried by the next apply even when that apply's delta does not name it.
 */
class ProxyDataplaneDeltaTest {
    static EchoServer a;
    static EchoServer b;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProxyDataplane proxy;

    @BeforeAll
    static void backends() {
        a = EchoServer.start(new InetSocketAddress(ip("127.77.3.1"), 0), "a");
        b = EchoServer.start(new InetSocketAddress(ip("127.77.3.2"), 0), "b");
    }

    @AfterAll
    static void stopBackends() {
        a.close();
        b.close();
    }

    @BeforeEach
    void start() {
        proxy = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(1), registry, new FakeClock());
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void appliesOnlyTheDeltaKeysAndTheirEffectIsReal() throws IOException {
        ListenKey changed = key("127.77.2.1", Protocol.TCP);
        ListenKey removed = key("127.77.2.2", Protocol.TCP);
        ListenKey added = key("127.77.2.3", Protocol.TCP);
        DesiredState first = state(listener(changed, a.address()), listener(removed, a.address()));
        assertThat(proxy.apply(first)).isEmpty();

        Map<ListenKey, L4Listener> next = new HashMap<>(first.l4());
        next.put(changed, listener(changed, b.address()));
        next.remove(removed);
        next.put(added, listener(added, b.address()));
        DesiredState second = new DesiredState(next, HttpState.EMPTY,
                new DesiredState.Delta(first.l4(), Set.of(changed, removed, added)));
        assertThat(proxy.apply(second)).isEmpty();

        assertThat(HttpConn.backendOf(changed.socketAddress())).isEqualTo("b");
        assertThat(HttpConn.backendOf(added.socketAddress())).isEqualTo("b");
        assertThatThrownBy(() -> new Socket(removed.address(), removed.port()).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aDeltaFromAnotherStateIsDiffedInFull() throws IOException {
        ListenKey k1 = key("127.77.2.4", Protocol.TCP);
        ListenKey k2 = key("127.77.2.5", Protocol.TCP);
        DesiredState first = state(listener(k1, a.address()));
        assertThat(proxy.apply(first)).isEmpty();
        // a delta that starts from a state this data plane never applied names only k2; k1's change must apply too
        DesiredState other = state(listener(k1, a.address()));
        DesiredState second = new DesiredState(Map.of(k1, listener(k1, b.address()), k2, listener(k2, b.address())),
                HttpState.EMPTY, new DesiredState.Delta(other.l4(), Set.of(k2)));
        assertThat(proxy.apply(second)).isEmpty();
        assertThat(HttpConn.backendOf(k1.socketAddress())).isEqualTo("b");
        assertThat(HttpConn.backendOf(k2.socketAddress())).isEqualTo("b");
    }

    @Test
    void aKeyThatFailedIsRetriedByADeltaThatDoesNotNameIt() throws IOException {
        ListenKey taken = key("127.77.2.6", Protocol.TCP);
        ListenKey other = key("127.77.2.7", Protocol.TCP);
        DesiredState first = state(listener(taken, a.address()), listener(other, a.address()));
        try (ServerSocket blocker = new ServerSocket(taken.port(), 1, taken.address())) {
            assertThat(proxy.apply(first)).containsOnlyKeys(taken);
        }
        Map<ListenKey, L4Listener> next = new HashMap<>(first.l4());
        next.put(other, listener(other, b.address()));
        DesiredState second = new DesiredState(next, HttpState.EMPTY, new DesiredState.Delta(first.l4(), Set.of(other)));
        assertThat(proxy.apply(second)).isEmpty();
        assertThat(HttpConn.backendOf(taken.socketAddress())).isEqualTo("a");
        assertThat(HttpConn.backendOf(other.socketAddress())).isEqualTo("b");
    }
}
