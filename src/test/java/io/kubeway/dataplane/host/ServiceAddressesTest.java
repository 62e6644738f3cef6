package io.kubeway.dataplane.host;

import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.dataplane.Dataplane;
import io.kubeway.state.Cluster;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.ServicePortName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Service IPs on the interface, against a fake {@code ip} that keeps an address table and counts its runs. */
class ServiceAddressesTest {
    private final FakeIp ip = new FakeIp();
    private final AtomicLong now = new AtomicLong();
    private final List<DesiredState> applied = new ArrayList<>();
    private final Dataplane proxy = new Dataplane() {
        @Override
        public Map<ListenKey, String> apply(DesiredState state) {
            applied.add(state);
            return Map.of();
        }

        @Override
        public void close() {
        }
    };
    private final ServiceAddresses addresses = new ServiceAddresses(proxy, "kubeway0", List.of(), ip, now::get);

    @Test
    void anUnchangedSetOfServiceIpsRunsNoIpCommandUntilItIsVerifiedAgain() throws Exception {
        DesiredState two = state("10.96.0.10", "10.96.0.11");
        addresses.apply(two);
        assertThat(ip.addresses).containsExactly("10.96.0.10/32", "10.96.0.11/32");

        int runs = ip.runs;
        now.addAndGet(ServiceAddresses.VERIFY_INTERVAL.toNanos() - 1);
        addresses.apply(state("10.96.0.10", "10.96.0.11")); // an endpoint change: same addresses
        assertThat(ip.runs).as("ip runs for a sync with the same Service IPs").isEqualTo(runs);
        assertThat(applied).hasSize(2);

        ip.addresses.remove("10.96.0.11/32"); // someone removed it behind our back
        now.addAndGet(1);
        addresses.apply(two);
        assertThat(ip.runs).isGreaterThan(runs);
        assertThat(ip.addresses).containsExactly("10.96.0.10/32", "10.96.0.11/32");
    }

    @Test
    void aChangedSetAddsAndRemovesAndAFailedAddIsRetriedOnTheNextSync() throws Exception {
        addresses.apply(state("10.96.0.10", "10.96.0.11"));
        addresses.apply(state("10.96.0.10", "10.96.0.12"));
        assertThat(ip.addresses).containsExactly("10.96.0.10/32", "10.96.0.12/32");

        ip.refuse = "10.96.0.13/32";
        Map<ListenKey, String> failures = addresses.apply(state("10.96.0.10", "10.96.0.13"));
        assertThat(failures).hasSize(1);
        assertThat(failures.values()).containsExactly("cannot add 10.96.0.13/32 to kubeway0");

        ip.refuse = null;
        assertThat(addresses.apply(state("10.96.0.10", "10.96.0.13"))).isEmpty();
        assertThat(ip.addresses).containsExactly("10.96.0.10/32", "10.96.0.13/32");
    }

    @Test
    void aDeltaThatOnlyChangesListenersIsCheckedByItsKeysAloneAndOneThatAddsAKeyAddsTheAddress() throws Exception {
        DesiredState first = state("10.96.0.10", "10.96.0.11");
        addresses.apply(first);
        int runs = ip.runs;
        ListenKey k = first.l4().keySet().iterator().next();
        Map<ListenKey, L4Listener> changed = new TreeMap<>(first.l4());
        L4Listener l = changed.get(k);
        changed.put(k, new L4Listener(k, l.service(), l.kind(), new Cluster("other", List.of(), 0), List.of()));
        DesiredState second = new DesiredState(changed, io.kubeway.state.http.HttpState.EMPTY,
                new DesiredState.Delta(first.l4(), Set.of(k)));
        addresses.apply(second);
        assertThat(ip.runs).as("an endpoint change through a delta runs no ip command").isEqualTo(runs);
        assertThat(applied.getLast()).isSameAs(second);

        Map<ListenKey, L4Listener> more = new TreeMap<>(second.l4());
        more.putAll(state("10.96.0.12").l4());
        ListenKey added = state("10.96.0.12").l4().keySet().iterator().next();
        addresses.apply(new DesiredState(more, io.kubeway.state.http.HttpState.EMPTY,
                new DesiredState.Delta(second.l4(), Set.of(added))));
        assertThat(ip.addresses).containsExactly("10.96.0.10/32", "10.96.0.11/32", "10.96.0.12/32");
    }

    private static DesiredState state(String... ips) throws Exception {
        Map<ListenKey, L4Listener> l4 = new TreeMap<>();
        for (String a : ips) {
            ListenKey key = new ListenKey(InetAddress.getByName(a), 80, Protocol.TCP);
            ServicePortName svc = new ServicePortName(new NamespacedName("default", "svc-" + a), "http", Protocol.TCP);
            l4.put(key, new L4Listener(key, svc, "ClusterIP", new Cluster(svc.toString(), List.of(), 0), List.of()));
        }
        return new DesiredState(l4);
    }

    /** The addresses of one interface, changed and listed as {@code ip -batch} and {@code ip -o addr show} do. */
    private static final class FakeIp implements HostIp {
        final Set<String> addresses = new TreeSet<>();
        int runs;
        String refuse;

        @Override
        public String run(String... args) {
            runs++;
            StringBuilder out = new StringBuilder();
            for (String a : addresses) {
                out.append("7: kubeway0    inet ").append(a).append(" scope global kubeway0\n");
            }
            return out.toString();
        }

        @Override
        public String batch(List<String> lines) {
            if (lines.isEmpty()) return "";
            runs++;
            StringBuilder errors = new StringBuilder();
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f[1].equals("add") && !f[2].equals(refuse)) addresses.add(f[2]);
                else if (f[1].equals("add")) errors.append("RTNETLINK answers: Operation not permitted\n");
                else addresses.remove(f[2]);
            }
            return errors.toString();
        }
    }
}
