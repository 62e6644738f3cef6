package io.kubeway.dataplane.http;

import io.kubeway.echo.EchoServer;
import io.kubeway.state.Endpoint;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code upstream-hash-by-subset} and {@code load-balance: ewma}: the choice itself, and through the proxy with real
 * backends.
 */
class LoadBalanceTest {
    ProxyFixture f;
    ListenKey plain;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        TestLogging.quiet();
        f = new ProxyFixture();
        plain = f.http("127.79.10.1", f.byHost);
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        for (AutoCloseable c : closing) c.close();
    }

    static List<Endpoint> endpoints(int n) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= n; i++) eps.add(new Endpoint(ip("10.0.0." + i), 8080, "demo/pod-" + i));
        return eps;
    }

    @Test
    void aKeyStaysInItsSubsetAndSpreadsInsideIt() {
        List<Endpoint> eps = endpoints(7); // subsets of 3: {1,2,3} {4,5,6} {7,1,2}
        Set<Set<Integer>> subsets = new HashSet<>();
        for (int k = 0; k < 40; k++) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 60; i++) seen.add(HashSubsets.pick(eps, "user" + k, 3));
            assertThat(seen).as("a key spreads over its subset only").isIn(Set.of(0, 1, 2), Set.of(3, 4, 5),
                    Set.of(6, 0, 1));
            subsets.add(seen);
        }
        assertThat(subsets).as("keys use every subset").hasSize(3);
    }

    @Test
    void ewmaPrefersTheFasterOfTwoAndForgetsWithTime() {
        EwmaScores s = new EwmaScores();
        List<Endpoint> eps = endpoints(3);
        long t = 1_000_000_000L;
        s.observe(eps.get(0), 100_000_000, t); // 100 ms
        s.observe(eps.get(1), 1_000_000, t);   // 1 ms
        s.observe(eps.get(2), 5_000_000, t);   // 5 ms
        Map<Integer, Integer> picks = new HashMap<>();
        for (int i = 0; i < 300; i++) picks.merge(s.pick(eps, t), 1, Integer::sum);
        assertThat(picks).doesNotContainKey(0); // the slowest loses every pair it is in
        assertThat(picks.get(1)).isGreaterThan(picks.get(2));
        assertThat(s.score(eps.get(0), t + 10_000_000_000L)).isCloseTo(100e6 / Math.E, org.assertj.core.data.Offset.offset(1e3));
        s.observe(eps.get(0), 0, t + 10_000_000_000L);
        assertThat(s.score(eps.get(0), t + 10_000_000_000L)).isCloseTo(100e6 / Math.E, org.assertj.core.data.Offset.offset(1e3));
    }

    @Test
    void throughTheProxySubsetsAndEwmaChooseAsTold() throws IOException {
        List<EchoServer> echoes = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            EchoServer e = EchoServer.start(new InetSocketAddress(ip("127.79.10." + (10 + i)), 0), "e" + i);
            closing.add(e::close);
            echoes.add(e);
        }
        InetSocketAddress[] addrs = echoes.stream().map(EchoServer::address).toArray(InetSocketAddress[]::new);
        f.hosts.put("subset", r -> {
            Fwd route = Fwd.to(addrs);
            route.affinity = new EndpointAffinity.Hash(r.header("X-User"), 2);
            return route.build(r);
        });
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            seen.add(RawHttp.once(ProxyFixture.addr(plain), RawHttp.get("/", "subset", "X-User: alice")).json()
                    .get("backend").asString());
        }
        assertThat(seen).as("alice's subset of two").hasSize(2).isIn(Set.of("e1", "e2"), Set.of("e3", "e4"));

        ScriptedBackend slow = new ScriptedBackend(ip("127.79.10.20"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow");
        });
        closing.add(slow);
        Fwd ewma = Fwd.to(slow.address(), echoes.get(0).address());
        ewma.affinity = EndpointAffinity.EWMA;
        f.hosts.put("ewma", ewma.router());
        int toSlow = 0;
        for (int i = 0; i < 12; i++) {
            RawHttp.Response r = RawHttp.once(ProxyFixture.addr(plain), RawHttp.get("/", "ewma"));
            assertThat(r.status()).isEqualTo(200);
            if (new String(r.body()).equals("slow")) toSlow++;
        }
        assertThat(toSlow).as("once measured, the slow endpoint loses every pick").isBetween(0, 1);
    }
}
