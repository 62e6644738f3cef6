package io.kubeway.dataplane.http;

import io.kubeway.state.ListenKey;
import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.UpstreamPolicy.Case;
import io.kubeway.state.http.UpstreamPolicy.NextUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code proxy-next-upstream}, {@code -tries} and {@code -timeout} with real sockets: which failures move a request
 * on to the next endpoint, and which never do (a non-idempotent method, a body already sent, {@code off}).
 */
class NextUpstreamTest {
    ProxyFixture f;
    ListenKey plain;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        TestLogging.quiet();
        f = new ProxyFixture();
        plain = f.http("127.79.8.1", f.byHost);
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        for (AutoCloseable c : closing) c.close();
    }

    ScriptedBackend answering(String ip, int status, String body) throws IOException {
        ScriptedBackend b = new ScriptedBackend(ip(ip), (s, in, out) -> {
            while (true) {
                String head = ScriptedBackend.readHead(in);
                if (head == null || head.isEmpty()) return;
                int cl = head.toLowerCase().indexOf("content-length: ");
                if (cl >= 0) in.readNBytes(Integer.parseInt(head.substring(cl + 16, head.indexOf('\r', cl)).strip()));
                ScriptedBackend.write(out, "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length() + "\r\n\r\n"
                        + body);
            }
        });
        closing.add(b);
        return b;
    }

    ScriptedBackend closingEarly(String ip) throws IOException {
        ScriptedBackend b = new ScriptedBackend(ip(ip), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            s.close();
        });
        closing.add(b);
        return b;
    }

    /** An address where nothing listens. */
    static InetSocketAddress refusing(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, ip(ip))) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    static UpstreamPolicy policy(Set<Case> when, int tries) {
        return new UpstreamPolicy(null, new NextUpstream(when, tries, Duration.ZERO), null);
    }

    RawHttp.Response get(String host) throws IOException {
        return RawHttp.once(ProxyFixture.addr(plain), RawHttp.get("/", host));
    }

    @Test
    void http503MovesOnOnlyWhenListed() throws Exception {
        ScriptedBackend bad = answering("127.79.8.2", 503, "bad");
        ScriptedBackend good = answering("127.79.8.3", 200, "good");
        Fwd listed = Fwd.to(bad.address(), good.address());
        listed.upstream = policy(EnumSet.of(Case.ERROR, Case.HTTP_503), 3);
        f.hosts.put("listed", listed.router());
        Fwd plainRoute = Fwd.to(bad.address(), good.address());
        plainRoute.cluster = Fwd.cluster("demo/other:80", plainRoute.cluster.protocol(), bad.address(), good.address());
        f.hosts.put("plain", plainRoute.router());
        for (int i = 0; i < 4; i++) {
            RawHttp.Response r = get("listed");
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body())).isEqualTo("good");
        }
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) statuses.add(get("plain").status());
        assertThat(statuses).as("without proxy-next-upstream a 503 is the answer").contains(503, 200);
    }

    @Test
    void theLastTryPassesItsAnswerOnAndTriesAreCounted() throws Exception {
        ScriptedBackend a = answering("127.79.8.4", 503, "a");
        ScriptedBackend b = answering("127.79.8.5", 503, "b");
        ScriptedBackend c = answering("127.79.8.6", 503, "c");
        Fwd route = Fwd.to(a.address(), b.address(), c.address());
        route.upstream = policy(EnumSet.of(Case.HTTP_503), 2);
        f.hosts.put("x", route.router());
        for (int i = 0; i < 3; i++) assertThat(get("x").status()).isEqualTo(503);
        assertThat(a.connections() + b.connections() + c.connections()).as("two tries per request").isEqualTo(6);
    }

    @Test
    void postIsNotRetriedUnlessNonIdempotentAndNeverAfterItsBody() throws Exception {
        ScriptedBackend bad = closingEarly("127.79.8.7");
        ScriptedBackend good = answering("127.79.8.8", 200, "good");
        Fwd idem = Fwd.to(bad.address(), good.address());
        idem.upstream = policy(EnumSet.of(Case.ERROR), 0);
        f.hosts.put("idem", idem.router());
        Fwd any = Fwd.to(bad.address(), good.address());
        any.cluster = Fwd.cluster("demo/any:80", any.cluster.protocol(), bad.address(), good.address());
        any.upstream = policy(EnumSet.of(Case.ERROR, Case.NON_IDEMPOTENT), 0);
        f.hosts.put("any", any.router());
        List<Integer> post = new ArrayList<>();
        List<Integer> postAny = new ArrayList<>();
        List<Integer> postBody = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertThat(get("idem").status()).as("GET moves on after the backend broke off").isEqualTo(200);
        }
        for (int i = 0; i < 4; i++) {
            post.add(send("idem", "POST", ""));
            postAny.add(send("any", "POST", ""));
        }
        for (int i = 0; i < 4; i++) postBody.add(send("any", "POST", "hello"));
        assertThat(post).as("POST is not retried without non_idempotent").contains(502);
        assertThat(postAny).as("POST without body, non_idempotent").containsOnly(200);
        assertThat(postBody).as("a body that went out is never sent again").contains(502);
    }

    @Test
    void connectFailuresFollowTheSettings() throws Exception {
        InetSocketAddress dead = refusing("127.79.8.9");
        ScriptedBackend good = answering("127.79.8.10", 200, "good");
        Fwd off = Fwd.to(dead, good.address());
        off.upstream = policy(Set.of(), 3);
        f.hosts.put("off", off.router());
        Fwd dflt = Fwd.to(dead, good.address());
        dflt.cluster = Fwd.cluster("demo/dflt:80", dflt.cluster.protocol(), dead, good.address());
        f.hosts.put("dflt", dflt.router());
        List<Integer> offStatuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            offStatuses.add(get("off").status());
            assertThat(get("dflt").status()).as("Kubeway's default moves on after a connect failure").isEqualTo(200);
        }
        assertThat(offStatuses).as("off: the failure is the answer").contains(502, 200);
    }

    @Test
    void readTimeoutMovesOnWithTimeout() throws Exception {
        ScriptedBackend silent = new ScriptedBackend(ip("127.79.8.11"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closing.add(silent);
        ScriptedBackend good = answering("127.79.8.12", 200, "good");
        Fwd route = Fwd.to(silent.address(), good.address()).readTimeout(Duration.ofMillis(300));
        route.upstream = policy(EnumSet.of(Case.TIMEOUT), 0);
        f.hosts.put("x", route.router());
        for (int i = 0; i < 2; i++) assertThat(get("x").status()).isEqualTo(200);
    }

    int send(String host, String method, String body) throws IOException {
        return RawHttp.once(ProxyFixture.addr(plain), method + " / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).status();
    }
}
