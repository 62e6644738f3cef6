package io.kubeway.dataplane.host;

import io.kubeway.core.IpLiterals;
import io.kubeway.dataplane.Dataplane;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Puts Service IPs (cluster IPs, LoadBalancer IPs, external IPs) on a dummy interface, {@code kubeway0}, before
 * the proxy binds them, so traffic to them is delivered locally; addresses that are gone are removed after the
 * proxy let go of them. As kube-proxy's IPVS mode does with {@code kube-ipvs0}. ARP for these addresses is not
 * answered from other interfaces when {@code arp_ignore=1} (as MetalLB asks of kube-proxy: strictARP): only the
 * node that announces a LoadBalancer IP answers for it. Needs NET_ADMIN.
 *
 * <p>Wraps the L4 data plane: a listener whose address cannot be added fails like any bind failure (its reason
 * names the address), the others are unaffected.
 *
 * <p>A sync whose set of Service IPs is the one already programmed runs no {@code ip} command: listing 10,000
 * addresses back after every endpoint change cost a fork and a parse per sync (a fifth of the sync thread's time in
 * the in-cluster scale benchmark). The interface is read again at least every {@link #VERIFY_INTERVAL}, so an
 * address removed behind Kubeway's back is put back within that time.
 */
public final class ServiceAddresses implements Dataplane {
    private static final Logger log = LoggerFactory.getLogger(ServiceAddresses.class);
    public static final String INTERFACE = "kubeway0";

    /** The label our addresses get on {@code lo} when the kernel has no dummy interfaces (max 15 characters). */
    static final String LOOPBACK_LABEL = "lo:kubeway";

    /** How long a programmed set of addresses is trusted without reading the interface back. */
    static final java.time.Duration VERIFY_INTERVAL = java.time.Duration.ofSeconds(30);

    private final Dataplane proxy;
    private final HostIp ip;
    private final java.util.function.LongSupplier nanoTime;
    /** The Service IPs all present after the last full pass, or null when that pass left something to retry. */
    private Set<InetAddress> programmed;
    private long verifiedAt;
    private String device;
    private String label;
    private final Set<InetAddress> nodeAddresses;
    private Set<String> present = new TreeSet<>();
    /** The l4 map of the state applied last (see {@link #sameKeys}). */
    private Map<ListenKey, L4Listener> applied = Map.of();

    /**
     * @param nodeAddresses this node's own addresses (NodePorts listen there; never added or removed)
     */
    public ServiceAddresses(Dataplane proxy, String device, List<InetAddress> nodeAddresses) {
        this(proxy, device, nodeAddresses, HostIp.IPROUTE2, System::nanoTime);
    }

    ServiceAddresses(Dataplane proxy, String device, List<InetAddress> nodeAddresses, HostIp ip,
                     java.util.function.LongSupplier nanoTime) {
        this.ip = requireNonNull(ip, "ip");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.proxy = requireNonNull(proxy, "proxy");
        this.device = requireNonNull(device, "device");
        this.nodeAddresses = Set.copyOf(nodeAddresses);
    }

    /**
     * Creates the dummy interface (if missing), sets it up, and reads what it holds. A kernel without dummy
     * interfaces (no {@code dummy} module) gets the addresses on {@code lo} instead, labelled
     * {@value #LOOPBACK_LABEL} so that only ours are ever removed (IPv4 only: IPv6 addresses carry no label).
     */
    public void init() throws IOException {
        String links = ip.run("-o", "link", "show");
        if (!links.contains(" " + device + ":")) {
            try {
                ip.run("link", "add", device, "type", "dummy");
            } catch (IOException e) {
                if (!e.getMessage().contains("Unknown device type")) throw e;
                log.warn("this kernel has no dummy interfaces: Service IPs go on lo, labelled {}", LOOPBACK_LABEL);
                device = "lo";
                label = LOOPBACK_LABEL;
            }
        }
        ip.run("link", "set", device, "up");
        present = new TreeSet<>(read());
        log.info("{}: holds {} service address(es)", label != null ? label : device, present.size());
    }

    /** The interface Service IPs are on ({@code kubeway0}, or {@code lo} where the kernel has no dummy). */
    public String device() {
        return device;
    }

    private Set<String> read() throws IOException {
        Set<String> out = new TreeSet<>();
        String listing = label == null ? ip.run("-o", "addr", "show", "dev", device)
                : ip.run("-o", "-4", "addr", "show", "dev", device, "label", label);
        for (String line : listing.split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("inet") || f[i].equals("inet6")) {
                    out.add(f[i + 1]);
                }
            }
        }
        return out;
    }

    @Override
    public Map<ListenKey, String> apply(DesiredState state) {
        long now = nanoTime.getAsLong();
        boolean fresh = programmed != null && now - verifiedAt < VERIFY_INTERVAL.toNanos();
        if (fresh && sameKeys(state)) {
            applied = state.l4();
            return proxy.apply(state); // the same listen keys as the last complete pass: the same addresses
        }
        Set<InetAddress> ips = new java.util.HashSet<>();
        for (ListenKey k : state.l4().keySet()) {
            if (serviceAddress(k.address())) ips.add(k.address());
        }
        applied = state.l4();
        if (ips.equals(programmed) && fresh) {
            return proxy.apply(state); // every address is in place: nothing to add, nothing to remove
        }
        boolean complete = true;
        try {
            present = new TreeSet<>(read()); // what the interface holds now, not what it held at the last pass
        } catch (IOException e) {
            log.warn("{}: cannot read service addresses: {}", device, e.getMessage());
        }
        Map<String, List<ListenKey>> wanted = new TreeMap<>();
        for (L4Listener l : state.l4().values()) {
            InetAddress a = l.key().address();
            if (serviceAddress(a)) {
                wanted.computeIfAbsent(prefix(a), k -> new ArrayList<>()).add(l.key());
            }
        }
        Map<ListenKey, String> failures = new HashMap<>();
        List<String> add = new ArrayList<>();
        for (String p : wanted.keySet()) {
            if (!present.contains(p)) add.add("addr add " + p + " dev " + device + (label == null ? "" : " label " + label));
        }
        try {
            String out = ip.batch(add);
            if (!out.isEmpty()) log.warn("{}: adding addresses: {}", device, out);
            present = new TreeSet<>(read());
        } catch (IOException e) {
            log.warn("{}: cannot add service addresses: {}", device, e.getMessage());
            complete = false;
        }
        for (var e : wanted.entrySet()) {
            if (!present.contains(e.getKey())) {
                complete = false;
                e.getValue().forEach(k -> failures.put(k, "cannot add " + e.getKey() + " to " + device));
            }
        }
        DesiredState usable = failures.isEmpty() ? state : without(state, failures.keySet());
        failures.putAll(proxy.apply(usable));
        List<String> remove = new ArrayList<>();
        for (String p : present) {
            if (!wanted.containsKey(p)) remove.add("addr del " + p + " dev " + device);
        }
        try {
            ip.batch(remove);
            if (!remove.isEmpty()) present = new TreeSet<>(read());
            if (!present.equals(wanted.keySet())) complete = false; // a removal failed: retry next time
        } catch (IOException e) {
            log.warn("{}: cannot remove stale addresses: {}", device, e.getMessage());
            complete = false;
        }
        programmed = complete ? ips : null;
        verifiedAt = now;
        return failures;
    }

    /**
     * Whether {@code state} has exactly the listen keys of the state applied last, seen from its delta alone (an
     * endpoint change touches a key present in both): then no address can have come or gone.
     */
    private boolean sameKeys(DesiredState state) {
        DesiredState.Delta delta = state.delta();
        if (delta == null || !delta.from(applied)) return state.l4() == applied;
        for (ListenKey k : delta.keys()) {
            if (applied.containsKey(k) != state.l4().containsKey(k)) return false;
        }
        return true;
    }

    /** Whether {@code a} is one Kubeway puts on the interface (not a node address, not loopback, not any). */
    private boolean serviceAddress(InetAddress a) {
        return !nodeAddresses.contains(a) && !a.isLoopbackAddress() && !a.isAnyLocalAddress();
    }

    private static DesiredState without(DesiredState state, Set<ListenKey> keys) {
        Map<ListenKey, L4Listener> l4 = new TreeMap<>(state.l4());
        l4.keySet().removeAll(keys);
        return new DesiredState(l4, state.http());
    }

    static String prefix(InetAddress a) {
        return IpLiterals.format(a) + (a instanceof Inet6Address ? "/128" : "/32");
    }

    @Override
    public void close() {
        proxy.close();
    }
}
