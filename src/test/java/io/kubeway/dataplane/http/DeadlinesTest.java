package io.kubeway.dataplane.http;

import io.kubeway.state.http.Timeouts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Which timeout an exchange hits, from its progress and activity clocks (send 3 s, read 5 s, client idle 7 s). */
class DeadlinesTest {
    static final Timeouts T = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(3));
    static final long IDLE = Duration.ofSeconds(7).toNanos();
    static final long S = 1_000_000_000L;

    /** Times in seconds; -1 for "not blocked". */
    record Case(String name, boolean requestComplete, boolean responseStarted, boolean responseComplete,
                long lastClient, long lastUpstream, long upstreamBlocked, long clientBlocked, long now,
                Deadlines.Expired expected, long nextCheck) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("uploading, client quiet within idle", false, false, false, 0, 0, -1, -1, 6, Deadlines.Expired.NONE, 7),
                new Case("uploading, client quiet too long", false, false, false, 0, 0, -1, -1, 7, Deadlines.Expired.CLIENT_BODY, 0),
                new Case("uploading, backend not taking it", false, false, false, 9, 0, 1, -1, 4, Deadlines.Expired.SEND, 0),
                new Case("uploading, backend slow but within send", false, false, false, 0, 0, 1, -1, 3, Deadlines.Expired.NONE, 4),
                new Case("waiting for the response", true, false, false, 0, 2, -1, -1, 6, Deadlines.Expired.NONE, 7),
                new Case("backend silent", true, false, false, 0, 2, -1, -1, 7, Deadlines.Expired.READ, 0),
                new Case("client not reading", true, true, false, 0, 2, -1, 3, 10, Deadlines.Expired.CLIENT_READ, 0),
                new Case("client slow: backend silence does not count", true, true, false, 0, 0, -1, 3, 9, Deadlines.Expired.NONE, 10),
                new Case("streaming both ways: earliest deadline", false, true, false, 4, 1, -1, -1, 5, Deadlines.Expired.NONE, 6),
                new Case("streaming both ways: backend silent", false, true, false, 4, 1, -1, -1, 6, Deadlines.Expired.READ, 0),
                new Case("all done: nothing to watch", true, true, true, 0, 0, -1, -1, 100, Deadlines.Expired.NONE, -1));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void check(Case c) {
        Deadlines d = new Deadlines();
        d.lastClientActivity = c.lastClient * S;
        d.lastUpstreamActivity = c.lastUpstream * S;
        d.upstreamBlockedSince = c.upstreamBlocked < 0 ? -1 : c.upstreamBlocked * S;
        d.clientBlockedSince = c.clientBlocked < 0 ? -1 : c.clientBlocked * S;
        Deadlines.Expired got = d.check(c.now * S, c.requestComplete, c.responseStarted, c.responseComplete, T, IDLE);
        assertThat(got).isEqualTo(c.expected);
        if (got == Deadlines.Expired.NONE) assertThat(d.next).isEqualTo(c.nextCheck < 0 ? Long.MAX_VALUE : c.nextCheck * S);
    }
}
