package io.kubeway.dataplane.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Layer 2 announcement of the LoadBalancer IPs this node holds: each is added to the interface whose subnet
 * contains it (so the kernel answers ARP for it there) and announced with gratuitous ARP ({@code arping -U},
 * iputils-arping), so switches and neighbours move to this node at once; IPs this node no longer holds are
 * removed from that interface. The other nodes keep the IPs only on {@code kubeway0}, which does not answer ARP
 * from other interfaces because {@link #strictArp()} sets {@code arp_ignore=1} and {@code arp_announce=2} (what
 * MetalLB asks of kube-proxy with strictARP). Which IPs this node holds is decided elsewhere (every node computes
 * the same answer); this class only makes the host match it, once a second.
 */
public final class L2Speaker {
    private static final Logger log = LoggerFactory.getLogger(L2Speaker.class);

    private final Supplier<java.util.Map<String, List<String>>> mine;
    private final Set<String> announced = new TreeSet<>();
    private final java.util.Map<String, String> deviceOf = new java.util.HashMap<>();

    /**
     * @param mine the LoadBalancer IPs this node should announce now, each with the interfaces it may be announced
     *             on (empty: the interface whose subnet contains it); called once per pass
     */
    public L2Speaker(Supplier<java.util.Map<String, List<String>>> mine) {
        this.mine = requireNonNull(mine, "mine");
    }

    /** ARP answered only on the interface that holds the address, and sourced from it. */
    public static void strictArp() throws IOException {
        for (String conf : List.of("all", "default")) {
            Files.writeString(Path.of("/proc/sys/net/ipv4/conf", conf, "arp_ignore"), "1");
            Files.writeString(Path.of("/proc/sys/net/ipv4/conf", conf, "arp_announce"), "2");
        }
    }

    /** One pass: make the host announce exactly {@code mine}. Never throws. */
    public synchronized void pass() {
        java.util.Map<String, List<String>> want;
        try {
            want = new java.util.TreeMap<>(mine.get());
        } catch (RuntimeException e) {
            log.warn("L2 announcement: cannot tell which IPs to announce; keeping what is announced", e);
            return;
        }
        for (String ip : new ArrayList<>(announced)) {
            if (!want.containsKey(ip)) {
                String dev = deviceOf.remove(ip);
                try {
                    IpCommand.run("addr", "del", ip + "/32", "dev", dev);
                    log.info("L2: {} is no longer announced from {}", ip, dev);
                } catch (IOException e) {
                    log.warn("L2: cannot remove {} from {}: {}", ip, dev, e.getMessage());
                }
                announced.remove(ip);
            }
        }
        for (var w : want.entrySet()) {
            String ip = w.getKey();
            if (announced.contains(ip)) continue;
            try {
                String dev = deviceFor(ip, w.getValue());
                IpCommand.run("addr", "replace", ip + "/32", "dev", dev);
                deviceOf.put(ip, dev);
                announced.add(ip);
                garp(ip, dev);
                log.info("L2: announcing {} from {}", ip, dev);
            } catch (IOException e) {
                log.warn("L2: cannot announce {}: {}", ip, e.getMessage());
            }
        }
    }

    /**
     * The interface whose IPv4 subnet contains {@code ip}, among {@code allowed} when that is not empty (then, when
     * none of them has such a subnet, the first allowed interface that exists).
     */
    private static String deviceFor(String ip, List<String> allowed) throws IOException {
        long target = v4(ip);
        String listing = IpCommand.run("-o", "-4", "addr", "show");
        for (String line : listing.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[2].equals("inet") || f[1].equals(ServiceAddresses.INTERFACE)) continue;
            if (!allowed.isEmpty() && !allowed.contains(f[1].replaceAll("@.*", ""))) continue;
            String[] cidr = f[3].split("/");
            int bits = cidr.length > 1 ? Integer.parseInt(cidr[1]) : 32;
            if (bits == 32 || bits == 0) continue;
            long mask = (0xffffffffL << (32 - bits)) & 0xffffffffL;
            if ((v4(cidr[0]) & mask) == (target & mask)) {
                return f[1].replaceAll("@.*", "");
            }
        }
        if (!allowed.isEmpty()) {
            String links = IpCommand.run("-o", "link", "show");
            for (String dev : allowed) {
                if (links.contains(" " + dev + ":") || links.contains(" " + dev + "@")) return dev;
            }
            throw new IOException("none of the L2Advertisement's interfaces " + allowed + " exists on this node");
        }
        throw new IOException("no interface has a subnet containing " + ip);
    }

    private static long v4(String ip) {
        long v = 0;
        for (String part : ip.split("\\.")) v = (v << 8) | Integer.parseInt(part);
        return v;
    }

    private static void garp(String ip, String dev) {
        try {
            Process p = new ProcessBuilder("arping", "-U", "-c", "2", "-I", dev, ip).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            log.warn("L2: cannot send gratuitous ARP for {} (install iputils-arping): {}", ip, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes every address this speaker added (on a clean stop: the next holder takes over at once). */
    public synchronized void release() {
        for (String ip : announced) {
            try {
                IpCommand.run("addr", "del", ip + "/32", "dev", deviceOf.get(ip));
            } catch (IOException e) {
                log.warn("L2: cannot remove {}: {}", ip, e.getMessage());
            }
        }
        announced.clear();
    }
}
