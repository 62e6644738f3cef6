package io.kubeway.dataplane.http;

import com.sun.net.httpserver.HttpServer;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 256 MiB down and up through the proxy, checked by CRC, while the buffer memory Netty holds (proxy and echo
 * backend together) is sampled: it must stay a small fraction of the transfer, which only streaming with
 * backpressure achieves. (1 GiB in a 256 MiB heap is the bench's job; this keeps the unit run short.)
 */
class StreamingTest {
    static final long SIZE = 256L << 20;
    static final long MAX_BUFFERED = 48L << 20;

    static EchoServer echo;
    static HttpServer sink;
    static ProxyFixture f;
    static ListenKey key;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        TestLogging.quiet();
        echo = EchoServer.start(new InetSocketAddress(ip("127.81.1.1"), 0), "echo");
        sink = HttpServer.create(new InetSocketAddress(ip("127.81.1.2"), 0), 0);
        sink.createContext("/", exchange -> {
            CRC32 crc = new CRC32();
            long n = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = exchange.getRequestBody()) {
                for (int r; (r = in.read(buf)) > 0; n += r) crc.update(buf, 0, r);
            }
            byte[] answer = (Long.toHexString(crc.getValue()) + " " + n).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        sink.start();
        f = new ProxyFixture();
        Fwd down = Fwd.to(echo.address());
        Fwd up = Fwd.to(sink.getAddress());
        key = f.http("127.81.0.1", r -> r.path().startsWith("/bytes/") ? down.build(r) : up.build(r));
    }

    @AfterAll
    static void stop() {
        f.close();
        echo.close();
        sink.stop(0);
    }

    static URI uri(String path) {
        return URI.create("http://127.81.0.1:" + key.port() + path);
    }

    @Test
    void downloadStreams() throws Exception {
        try (MemoryWatch watch = new MemoryWatch()) {
            HttpRequest req = HttpRequest.newBuilder(uri("/bytes/" + SIZE)).build();
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(resp.statusCode()).isEqualTo(200);
            CRC32 got = new CRC32();
            long n = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = resp.body()) {
                for (int r; (r = in.read(buf)) > 0; n += r) got.update(buf, 0, r);
            }
            assertThat(n).isEqualTo(SIZE);
            assertThat(got.getValue()).isEqualTo(patternCrc(SIZE));
            System.out.printf("download: %d MiB, at most %d MiB held in Netty buffers%n", SIZE >> 20, watch.max() >> 20);
            assertThat(watch.max()).isLessThan(MAX_BUFFERED);
        }
    }

    @Test
    void uploadStreams() throws Exception {
        try (MemoryWatch watch = new MemoryWatch()) {
            HttpRequest req = HttpRequest.newBuilder(uri("/upload"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(SIZE))).build();
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.body()).isEqualTo(Long.toHexString(patternCrc(SIZE)) + " " + SIZE);
            System.out.printf("upload: %d MiB, at most %d MiB held in Netty buffers%n", SIZE >> 20, watch.max() >> 20);
            assertThat(watch.max()).isLessThan(MAX_BUFFERED);
        }
    }

    static long patternCrc(long size) {
        CRC32 crc = new CRC32();
        try (PatternStream in = new PatternStream(size)) {
            byte[] buf = new byte[64 * 1024];
            for (int r; (r = in.read(buf)) > 0; ) crc.update(buf, 0, r);
        }
        return crc.getValue();
    }

    /** {@code abc...z} repeated, as the echo backend's {@code /bytes/N}. */
    static final class PatternStream extends InputStream {
        private final long size;
        private long pos;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return pos < size ? 'a' + (int) (pos++ % 26) : -1;
        }

        @Override
        public int read(byte[] b) {
            return read(b, 0, b.length);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) return -1;
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) b[off + i] = (byte) ('a' + (pos + i) % 26);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    /** Samples the default Netty allocator's used memory while a transfer runs. */
    static final class MemoryWatch implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        MemoryWatch() {
            ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running.get()) {
                    max.accumulateAndGet(metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long max() {
            return max.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
