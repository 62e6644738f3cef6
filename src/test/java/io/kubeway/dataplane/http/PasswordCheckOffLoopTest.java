package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.FakeClock;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.PasswordCheck;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.Respond;
import io.kubeway.state.http.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Costly basic-auth password checks ({@link RouteDecision.Authenticate}) run off the event loop: with ONE event
 * loop, a check that does not finish leaves other requests on that loop answered; its own request is carried out
 * (or refused with 401) when it finishes; a full check queue answers 503.
 */
class PasswordCheckOffLoopTest {
    final EventLoopGroup group = ProxyFixture.TRANSPORT.newGroup(1, "password-test");
    final HttpDataplane proxy = new HttpDataplane(ProxyFixture.TRANSPORT, group, HttpEngineConfig.defaults(),
            new SimpleMeterRegistry(), new FakeClock());
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean passwordGood = new AtomicBoolean(true);

    /** Blocks its thread until released, like a cost-12 bcrypt stretched to forever. */
    final PasswordCheck slow = () -> {
        started.countDown();
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return passwordGood.get();
    };

    final Router router = r -> switch (r.host()) {
        case "vault.example.com" -> new RouteDecision.Authenticate(new Respond("default/vault", 200, Map.of(),
                "vault open"), new Respond("default/vault", 401, Map.of("WWW-Authenticate", "Basic realm=\"v\""), ""),
                slow);
        default -> new Respond("default/other", 200, Map.of(), "other");
    };

    @AfterEach
    void tearDown() {
        release.countDown();
        proxy.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private ListenKey listen() {
        ListenKey key = ProxyFixture.key("127.0.217.1");
        assertThat(proxy.apply(new HttpState(List.of(key), List.of(), router, Map.of(), null))).isEmpty();
        return key;
    }

    @Test
    void aSlowCheckDoesNotBlockOtherRequestsOnItsLoop() throws Exception {
        ListenKey key = listen();
        try (RawHttp vault = new RawHttp(key.socketAddress())) {
            vault.write(RawHttp.get("/", "vault.example.com"));
            assertThat(started.await(5, TimeUnit.SECONDS)).as("the check started").isTrue();
            // the only event loop is free: another client is answered while the check is still running
            RawHttp.Response other = RawHttp.once(key.socketAddress(), RawHttp.get("/", "other.example.com"));
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.text()).isEqualTo("other");
            release.countDown();
            RawHttp.Response r = vault.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("vault open");
        }
    }

    @Test
    void aWrongPasswordGets401() throws Exception {
        ListenKey key = listen();
        passwordGood.set(false);
        release.countDown();
        RawHttp.Response r = RawHttp.once(key.socketAddress(), RawHttp.get("/", "vault.example.com"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("www-authenticate")).isEqualTo("Basic realm=\"v\"");
    }

    @Test
    void aFullQueueGets503() throws Exception {
        ListenKey key = listen();
        PasswordChecks checks = proxy.engine().passwordChecks();
        int filled = 0;
        while (checks.submit(slow, group.next()) != null) {
            filled++;
            assertThat(filled).isLessThanOrEqualTo(PasswordChecks.THREADS + PasswordChecks.QUEUE);
        }
        assertThat(filled).isEqualTo(PasswordChecks.THREADS + PasswordChecks.QUEUE);
        RawHttp.Response r = RawHttp.once(key.socketAddress(), RawHttp.get("/", "vault.example.com"));
        assertThat(r.status()).isEqualTo(503);
        release.countDown();
    }
}
