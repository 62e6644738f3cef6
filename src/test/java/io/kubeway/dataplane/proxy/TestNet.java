package io.kubeway.dataplane.proxy;

import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.state.Cluster;
import io.kubeway.state.DesiredState;
import io.kubeway.state.Endpoint;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.ServicePortName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loopback addresses, free ports and desired-state builders for the proxy tests. */
public final class TestNet {
    private TestNet() {
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** A port free for both TCP and UDP on {@code ip} right now. */
    public static int freePort(InetAddress ip) {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, ip)) {
                int port = s.getLocalPort();
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(ip, port))) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port on " + ip);
    }

    public static ListenKey key(String ip, Protocol protocol) {
        InetAddress a = ip(ip);
        return new ListenKey(a, freePort(a), protocol);
    }

    public static Endpoint endpoint(InetSocketAddress a) {
        return new Endpoint(a.getAddress(), a.getPort(), "demo/pod-" + a.getPort());
    }

    /**
     * Connects to {@code target} and reads, expecting the proxy to refuse: the failure the client sees. The
     * RST can arrive while connect() still completes, so either call may throw.
     */
    public static IOException refusal(InetSocketAddress target) {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5_000);
            s.connect(target, 5_000);
            int b = s.getInputStream().read();
            throw new AssertionError("expected a reset, read " + b);
        } catch (IOException e) {
            return e;
        }
    }

    public static L4Listener listener(ListenKey key, String service, int affinitySeconds, InetSocketAddress... endpoints) {
        ServicePortName spn = new ServicePortName(new NamespacedName("demo", service), "p", key.protocol());
        List<Endpoint> eps = Arrays.stream(endpoints).map(TestNet::endpoint).toList();
        return new L4Listener(key, spn, "ClusterIP", new Cluster(spn.toString(), eps, affinitySeconds));
    }

    public static L4Listener listener(ListenKey key, InetSocketAddress... endpoints) {
        return listener(key, "web", 0, endpoints);
    }

    public static DesiredState state(L4Listener... listeners) {
        Map<ListenKey, L4Listener> m = new LinkedHashMap<>();
        for (L4Listener l : listeners) m.put(l.key(), l);
        return new DesiredState(m);
    }
}
