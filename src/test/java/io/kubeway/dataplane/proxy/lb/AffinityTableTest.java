package io.kubeway.dataplane.proxy.lb;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

class AffinityTableTest {
    static final InetSocketAddress E1 = new InetSocketAddress(ip("10.0.0.1"), 80);
    static final InetSocketAddress E2 = new InetSocketAddress(ip("10.0.0.2"), 80);

    @Test
    void entriesLiveForTheTimeoutSinceTheirLastUse() {
        AffinityTable t = new AffinityTable();
        t.remember(ip("192.0.2.1"), E1, 1_000);
        assertThat(t.lookup(ip("192.0.2.1"), 10_999, 10_000)).isEqualTo(E1);
        assertThat(t.lookup(ip("192.0.2.1"), 11_000, 10_000)).isNull();
        t.remember(ip("192.0.2.1"), E2, 11_000);
        assertThat(t.lookup(ip("192.0.2.1"), 20_000, 10_000)).isEqualTo(E2);
        assertThat(t.lookup(ip("192.0.2.9"), 20_000, 10_000)).isNull();
    }

    @Test
    void aFullTableServesNewClientsWithoutRememberingThem() {
        AffinityTable t = new AffinityTable(2);
        t.remember(ip("192.0.2.1"), E1, 0);
        t.remember(ip("192.0.2.2"), E1, 0);
        t.remember(ip("192.0.2.3"), E1, 0);
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.lookup(ip("192.0.2.3"), 1, 10_000)).isNull();

        t.remember(ip("192.0.2.1"), E2, 5); // known clients still update
        assertThat(t.lookup(ip("192.0.2.1"), 6, 10_000)).isEqualTo(E2);

        t.evictExpired(20_000, 10_000);
        assertThat(t.size()).isZero();
        t.remember(ip("192.0.2.3"), E1, 20_000);
        assertThat(t.size()).isEqualTo(1);
    }
}
