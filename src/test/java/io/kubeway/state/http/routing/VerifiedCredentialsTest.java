package io.kubeway.state.http.routing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The verification cache: successes only, for a short time, bounded, and never a match for a wrong password. */
class VerifiedCredentialsTest {
    final AtomicInteger checks = new AtomicInteger();
    final AtomicLong now = new AtomicLong(1_000);

    private VerifiedCredentials cache(int max) {
        // The hash "{PLAIN}<password>" stands for any hash; the counter shows when the real check runs.
        return new VerifiedCredentials((hash, pw) -> {
            checks.incrementAndGet();
            return PasswordHashes.matches(hash, pw);
        }, now::get, max);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aVerifiedPasswordIsNotCheckedAgainUntilItsTimeIsUp() {
        VerifiedCredentials c = cache(100);
        assertThat(c.verify("alice", "{PLAIN}pw", b("pw"))).isTrue();
        assertThat(c.verify("alice", "{PLAIN}pw", b("pw"))).isTrue();
        assertThat(checks.get()).isEqualTo(1);
        now.addAndGet(VerifiedCredentials.TTL.toNanos());
        assertThat(c.verify("alice", "{PLAIN}pw", b("pw"))).isTrue();
        assertThat(checks.get()).as("checked again after the TTL").isEqualTo(2);
    }

    @Test
    void aWrongPasswordNeverHitsACachedSuccess() {
        VerifiedCredentials c = cache(100);
        assertThat(c.verify("alice", "{PLAIN}pw", b("pw"))).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(c.verify("alice", "{PLAIN}pw", b("pw" + i))).isFalse();
            assertThat(c.verify("alice", "{PLAIN}pw", b("p"))).isFalse();
            assertThat(c.verify("bob", "{PLAIN}pw", b("pw2"))).isFalse();
        }
        assertThat(c.size()).as("failures are not remembered").isEqualTo(1);
    }

    @Test
    void aChangedHashIsCheckedAgain() {
        VerifiedCredentials c = cache(100);
        assertThat(c.verify("alice", "{PLAIN}old", b("old"))).isTrue();
        assertThat(c.verify("alice", "{PLAIN}new", b("old"))).as("the Secret changed the password").isFalse();
    }

    @Test
    void boundedInSize() {
        VerifiedCredentials c = cache(3);
        for (int i = 0; i < 10; i++) {
            assertThat(c.verify("u" + i, "{PLAIN}pw", b("pw"))).isTrue();
            assertThat(c.size()).isLessThanOrEqualTo(3);
        }
        now.addAndGet(VerifiedCredentials.TTL.toNanos());
        assertThat(c.verify("late", "{PLAIN}pw", b("pw"))).isTrue();
        assertThat(c.size()).as("expired entries go first").isLessThanOrEqualTo(3);
    }
}
