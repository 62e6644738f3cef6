package io.kubeway.dataplane.proxy.lb;

import io.kubeway.dataplane.proxy.FakeClock;
import io.kubeway.state.Cluster;
import io.kubeway.state.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BalancerTest {
    static final Endpoint A = new Endpoint(ip("10.0.0.1"), 80, "ns/a");
    static final Endpoint B = new Endpoint(ip("10.0.0.2"), 80, "ns/b");
    static final Endpoint C = new Endpoint(ip("10.0.0.3"), 80, "ns/c");
    static final InetAddress CLIENT_1 = ip("192.0.2.1");
    static final InetAddress CLIENT_2 = ip("192.0.2.2");

    /** A step: advance the clock, then a connection from {@code client} that lands on {@code expected}. */
    record Step(long advanceSeconds, InetAddress client, Endpoint expected) {}

    record Case(String name, int affinitySeconds, List<Endpoint> endpoints, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Endpoint> abc = List.of(A, B, C);
        return Stream.of(
                new Case("round robin in order, wrapping", 0, abc, List.of(
                        new Step(0, CLIENT_1, A), new Step(0, CLIENT_1, B), new Step(0, CLIENT_1, C),
                        new Step(0, CLIENT_1, A))),
                new Case("without affinity the client does not matter", 0, abc, List.of(
                        new Step(0, CLIENT_1, A), new Step(0, CLIENT_2, B), new Step(0, CLIENT_1, C))),
                new Case("affinity sticks per client", 10, abc, List.of(
                        new Step(0, CLIENT_1, A), new Step(0, CLIENT_1, A), new Step(0, CLIENT_2, B),
                        new Step(0, CLIENT_2, B), new Step(0, CLIENT_1, A))),
                new Case("each use restarts the affinity timer", 10, abc, List.of(
                        new Step(0, CLIENT_1, A), new Step(9, CLIENT_1, A), new Step(9, CLIENT_1, A),
                        new Step(9, CLIENT_1, A))),
                new Case("affinity expires after the timeout", 10, abc, List.of(
                        new Step(0, CLIENT_1, A), new Step(10, CLIENT_1, B))),
                new Case("a single endpoint always", 10, List.of(C), List.of(
                        new Step(0, CLIENT_1, C), new Step(100, CLIENT_2, C))));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void picks(Case c) {
        FakeClock clock = new FakeClock();
        Balancer balancer = new Balancer(new Cluster("ns/svc:p/TCP", c.endpoints(), c.affinitySeconds()),
                new AffinityTable(), clock);
        List<Endpoint> got = new ArrayList<>();
        for (Step s : c.steps()) {
            clock.advance(Duration.ofSeconds(s.advanceSeconds()));
            Endpoint e = balancer.candidate(balancer.pick(s.client()), 0);
            balancer.connected(s.client(), e);
            got.add(e);
        }
        assertThat(got).containsExactlyElementsOf(c.steps().stream().map(Step::expected).toList());
    }

    @Test
    void candidatesWrapSoEachEndpointIsTriedOnce() {
        Balancer balancer = new Balancer(new Cluster("c", List.of(A, B, C), 0), new AffinityTable(), new FakeClock());
        int first = balancer.pick(CLIENT_1);
        balancer.pick(CLIENT_1);
        int second = balancer.pick(CLIENT_1);
        assertThat(List.of(balancer.candidate(second, 0), balancer.candidate(second, 1), balancer.candidate(second, 2)))
                .containsExactly(C, A, B);
        assertThat(first).isZero();
    }

    @Test
    void affinitySurvivesABalancerSwapAndRepicksWhenItsEndpointIsGone() {
        FakeClock clock = new FakeClock();
        AffinityTable table = new AffinityTable();
        Balancer before = new Balancer(new Cluster("c", List.of(A, B), 60), table, clock);
        before.connected(CLIENT_1, before.candidate(before.pick(CLIENT_1), 0));
        before.connected(CLIENT_2, before.candidate(before.pick(CLIENT_2), 0)); // B

        Balancer after = new Balancer(new Cluster("c", List.of(C, B), 60), table, clock);

        assertThat(after.candidate(after.pick(CLIENT_2), 0)).isEqualTo(B);
        assertThat(after.candidate(after.pick(CLIENT_1), 0)).isEqualTo(C);
    }

    @Test
    void sweepDropsExpiredEntriesAndEverythingOnceAffinityIsOff() {
        FakeClock clock = new FakeClock();
        AffinityTable table = new AffinityTable();
        Balancer sticky = new Balancer(new Cluster("c", List.of(A), 10), table, clock);
        sticky.connected(CLIENT_1, A);
        clock.advance(Duration.ofSeconds(5));
        sticky.connected(CLIENT_2, A);
        clock.advance(Duration.ofSeconds(6));

        sticky.evictExpiredAffinity();
        assertThat(table.size()).isEqualTo(1);

        new Balancer(new Cluster("c", List.of(A), 0), table, clock).evictExpiredAffinity();
        assertThat(table.size()).isZero();
    }

    @Test
    void noEndpointsCannotBePicked() {
        Balancer balancer = new Balancer(new Cluster("c", List.of(), 0), new AffinityTable(), new FakeClock());
        assertThat(balancer.endpoints()).isEmpty();
        assertThatThrownBy(() -> balancer.pick(CLIENT_1)).isInstanceOf(IllegalStateException.class);
    }
}
