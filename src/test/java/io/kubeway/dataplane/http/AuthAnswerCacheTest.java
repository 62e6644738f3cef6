package io.kubeway.dataplane.http;

import io.kubeway.state.http.AuthCachePolicy;
import io.kubeway.state.http.ExternalAuth;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Which auth answers are kept, for how long, what of them, and the bounds. */
class AuthAnswerCacheTest {
    static final ExternalAuth SPEC = new ExternalAuth("http://auth/", false, "auth", 80, "auth", "/", null, null,
            "rd", List.of("X-User"), null);
    static final AuthCachePolicy POLICY = AuthCachePolicy.parse("$http_authorization", "200 10m, 401 1m");
    final AtomicLong now = new AtomicLong();

    private static ExternalAuthCall.Answer answer(int status, String... headers) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) h.add(headers[i], headers[i + 1]);
        return new ExternalAuthCall.Answer(status, h);
    }

    @Test
    void keepsWhatTheEngineUsesUntilItExpires() {
        AuthAnswerCache c = new AuthAnswerCache(now::get, 100, 1 << 20);
        c.put("k", SPEC, POLICY, answer(200, "X-User", "alice", "X-Other", "1"));
        assertThat(c.get("k").status()).isEqualTo(200);
        assertThat(c.get("k").headers().get("X-User")).isEqualTo("alice");
        assertThat(c.get("k").headers().contains("X-Other")).isFalse();
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(c.get("k")).isNull();
        assertThat(c.size()).isZero();
    }

    @Test
    void nginxsRulesDecideWhatIsKept() {
        assertThat(AuthAnswerCache.ttl(POLICY, answer(403))).as("not listed").isNull();
        assertThat(AuthAnswerCache.ttl(POLICY, answer(401))).isEqualTo(Duration.ofMinutes(1));
        assertThat(AuthAnswerCache.ttl(POLICY, answer(200, "Set-Cookie", "s=1"))).as("sets a cookie").isNull();
        assertThat(AuthAnswerCache.ttl(POLICY, answer(200, "Cache-Control", "private"))).isNull();
        assertThat(AuthAnswerCache.ttl(POLICY, answer(200, "Cache-Control", "no-store"))).isNull();
        assertThat(AuthAnswerCache.ttl(POLICY, answer(200, "Vary", "*"))).isNull();
        assertThat(AuthAnswerCache.ttl(POLICY, answer(200, "Cache-Control", "public, max-age=30")))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(AuthAnswerCache.ttl(POLICY, answer(200, "Cache-Control", "max-age=0"))).isNull();
    }

    @Test
    void boundedInEntriesAndBytes() {
        AuthAnswerCache c = new AuthAnswerCache(now::get, 3, 1 << 20);
        for (int i = 0; i < 10; i++) c.put("k" + i, SPEC, POLICY, answer(200));
        assertThat(c.size()).isLessThanOrEqualTo(3);
        AuthAnswerCache small = new AuthAnswerCache(now::get, 100, 400);
        for (int i = 0; i < 10; i++) small.put("k" + i, SPEC, POLICY, answer(200, "X-User", "u".repeat(100)));
        assertThat(small.size()).isLessThanOrEqualTo(2);
        c.put("big", SPEC, POLICY, answer(200, "X-User", "u".repeat(AuthAnswerCache.MAX_ENTRY_BYTES)));
        assertThat(c.get("big")).as("over the entry limit").isNull();
    }

    @Test
    void keysSeparateAuthCallsRoutesAndValues() {
        String k = AuthAnswerCache.key(SPEC, "a.example", "/", "Bearer 1");
        assertThat(AuthAnswerCache.key(SPEC, "a.example", "/", "Bearer 1")).isEqualTo(k);
        assertThat(AuthAnswerCache.key(SPEC, "b.example", "/", "Bearer 1")).isNotEqualTo(k);
        assertThat(AuthAnswerCache.key(SPEC, "a.example", "/x", "Bearer 1")).isNotEqualTo(k);
        assertThat(AuthAnswerCache.key(SPEC, "a.example", "/", "Bearer 2")).isNotEqualTo(k);
        ExternalAuth other = new ExternalAuth("http://auth/other", false, "auth", 80, "auth", "/other", null, null,
                "rd", List.of(), null);
        assertThat(AuthAnswerCache.key(other, "a.example", "/", "Bearer 1")).isNotEqualTo(k);
    }
}
