package io.kubeway.dataplane.proxy;

import io.kubeway.core.Protocol;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static io.kubeway.dataplane.proxy.TestNet.key;
import static io.kubeway.dataplane.proxy.TestNet.listener;
import static io.kubeway.dataplane.proxy.TestNet.state;

/**
 * A rough single-connection throughput check, not a unit test: upload N bytes through the proxy into a
 * sink, per transport, next to the same upload straight into the sink. The
 * paths take turns run by run, so load from elsewhere spreads over all of them, and the proxy's own CPU
 * time per GiB is reported too (it is steadier than MiB/s on a shared machine). Run with
 * {@code -Dkubeway.bench=true -Dtest=ProxyThroughputCheck}; the table goes to the test output file.
 */
@EnabledIfSystemProperty(named = "kubeway.bench", matches = "true")
class ProxyThroughputCheck {
    static final long BYTES = Long.getLong("kubeway.bench.bytes", 1L << 30);
    static final int RUNS = Integer.getInteger("kubeway.bench.runs", 5);
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Path(String name, String transport) {}

    record Result(double mibPerSecond, double proxyCpuMillisPerGib) {}

    @Test
    void uploadThroughput() throws Exception {
        List<Path> paths = new ArrayList<>();
        paths.add(new Path("direct", null));
        for (String t : List.of("nio", "epoll", "io_uring")) {
            if (Transport.isAvailable(t)) paths.add(new Path(t, t));
        }
        Map<Path, List<Result>> results = new LinkedHashMap<>();
        try (Sink sink = new Sink()) {
            for (int run = 0; run < RUNS; run++) {
                for (Path p : paths) results.computeIfAbsent(p, x -> new ArrayList<>()).add(measure(p, sink));
            }
        }
        System.out.printf("%-14s %12s %12s %18s%n", "path", "best MiB/s", "median MiB/s", "proxy CPU ms/GiB");
        results.forEach((p, rs) -> {
            List<Double> rates = rs.stream().map(Result::mibPerSecond).sorted().toList();
            double cpu = rs.stream().mapToDouble(Result::proxyCpuMillisPerGib).min().orElse(0);
            System.out.printf("%-14s %12.0f %12.0f %18s%n", p.name(), rates.getLast(), rates.get(rates.size() / 2),
                    p.transport() == null ? "-" : String.format("%.0f", cpu));
        });
        System.out.printf("(%d runs of %d MiB each, %d processors)%n", RUNS, BYTES >> 20,
                Runtime.getRuntime().availableProcessors());
    }

    private static Result measure(Path p, Sink sink) throws IOException {
        if (p.transport() == null) return new Result(upload(sink.address()), 0);
        try (ProxyDataplane proxy = new ProxyDataplane(ProxyConfig.defaults().withTransport(p.transport()),
                new SimpleMeterRegistry(), new FakeClock())) {
            ListenKey key = key("127.81.0.1", Protocol.TCP);
            proxy.apply(state(listener(key, sink.address())));
            long cpuBefore = proxyCpuNanos();
            double rate = upload(key.socketAddress());
            double cpuMillis = (proxyCpuNanos() - cpuBefore) / 1e6;
            return new Result(rate, cpuMillis / ((double) BYTES / (1L << 30)));
        }
    }

    private static long proxyCpuNanos() {
        long sum = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("kubeway-proxy")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    /**
     * MiB/s for one upload of {@link #BYTES}, timed until the sink has read them all (it answers with its
     * 8-byte count); the FIN comes after the timed part.
     */
    private static double upload(InetSocketAddress target) throws IOException {
        byte[] chunk = new byte[256 * 1024];
        try (Socket s = new Socket(target.getAddress(), target.getPort())) {
            s.setSoTimeout(60_000);
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < BYTES; sent += chunk.length) out.write(chunk);
            long got = ByteBuffer.wrap(s.getInputStream().readNBytes(8)).getLong();
            if (got != BYTES) throw new IOException("sink got " + got + " of " + BYTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            return BYTES / seconds / (1 << 20);
        }
    }

    /** Reads {@link #BYTES} of each connection, then answers with the byte count. */
    static final class Sink implements AutoCloseable {
        final ServerSocket server;

        Sink() throws IOException {
            server = new ServerSocket(0, 50, ip("127.81.1.1"));
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofPlatform().daemon().start(() -> drain(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        private static void drain(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[256 * 1024];
                long n = 0;
                for (int r; n < BYTES && (r = in.read(buf, 0, (int) Math.min(buf.length, BYTES - n))) >= 0; ) n += r;
                s.getOutputStream().write(ByteBuffer.allocate(8).putLong(n).array());
            } catch (IOException ignored) {
                // the uploader reports it
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
