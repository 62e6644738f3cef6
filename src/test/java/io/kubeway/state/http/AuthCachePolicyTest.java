package io.kubeway.state.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** auth-cache-duration in nginx's proxy_cache_valid syntax, and auth-cache-key's template. */
class AuthCachePolicyTest {
    @Test
    void proxyCacheValidLines() {
        AuthCachePolicy p = AuthCachePolicy.parse("$http_authorization", "200 202 10m, 401 5m");
        assertThat(p.valid()).containsExactly(new AuthCachePolicy.Validity(Set.of(200, 202), Duration.ofMinutes(10)),
                new AuthCachePolicy.Validity(Set.of(401), Duration.ofMinutes(5)));
        assertThat(p.ttl(202)).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.ttl(401)).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.ttl(403)).isNull();
        assertThat(AuthCachePolicy.parse("x", null).valid()).as("ingress-nginx's default").containsExactly(
                new AuthCachePolicy.Validity(Set.of(200, 202, 401), Duration.ofMinutes(5)));
        assertThat(AuthCachePolicy.durations("1h30m")).as("a time alone: 200 301 302").containsExactly(
                new AuthCachePolicy.Validity(Set.of(200, 301, 302), Duration.ofMinutes(90)));
        assertThat(AuthCachePolicy.parse("x", "any 30s").ttl(500)).isEqualTo(Duration.ofSeconds(30));
        assertThat(AuthCachePolicy.parse("x", "200 0").ttl(200)).as("zero keeps nothing").isNull();
    }

    @Test
    void badValuesNameTheProblem() {
        for (String bad : List.of("", "200 ten", "ok 5m", "200 5x", "200 2d", "600 5m", ",")) {
            assertThatThrownBy(() -> AuthCachePolicy.durations(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> AuthCachePolicy.parse("$remote_user", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("remote_user");
    }
}
