package io.kubeway.dataplane.http;

import io.kubeway.core.IpLiterals;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.state.http.routing.PathMatch;
import io.kubeway.state.http.routing.Route;
import io.kubeway.state.http.routing.RouteConfig;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.state.http.routing.VirtualHost;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-request CPU and allocation of the L7 hot path without sockets, so a regression shows without a load
 * generator (issue 10). {@code request}: a request head's bytes through the engine's decoder, the request checks,
 * the route table, the endpoint pick, the upstream head rewrite, encoded for the backend, and the request's
 * meters, as {@link Exchange} does for a plain proxied route. {@code response}: a backend's response (head and a small body) decoded, rewritten for the client
 * ({@link ResponseHeads}) and encoded. It lives in this package because those steps are package-private.
 *
 * <p>Run: {@code java -cp target/kubeway-*-all.jar org.openjdk.jmh.Main HttpHotPathBench -prof gc} ({@code
 * gc.alloc.rate.norm} is the bytes allocated per request). Figures: bench/README.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx512m", "-XX:+UseParallelGC"})
public class HttpHotPathBench {
    /** {@code wrk}: what the benchmarks send; {@code browser}: a browser's GET with the usual dozen headers. */
    @Param({"wrk", "browser"})
    String client;

    private static final String WRK = "GET /ok HTTP/1.1\r\nHost: 127.0.0.9:18080\r\n\r\n";
    private static final String BROWSER = "GET /app/items?page=2&sort=name HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Referer: https://shop.example.com/app/items\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=8f2a61c0d4e94b7c9e1f; theme=dark\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Priority: u=0, i\r\n\r\n";
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
            + "Date: Sat, 05 Dec 2026 23:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
            + "Last-Modified: Sat, 05 Dec 2026 22:00:00 GMT\r\nConnection: keep-alive\r\nETag: \"6932f1a0-3\"\r\n"
            + "Accept-Ranges: bytes\r\n\r\nok\n";

    private byte[] requestBytes;
    private final byte[] responseBytes = RESPONSE.getBytes(StandardCharsets.US_ASCII);
    private EmbeddedChannel requestDecoder;
    private EmbeddedChannel requestEncoder;
    private EmbeddedChannel responseDecoder;
    private EmbeddedChannel responseEncoder;
    private Engine engine;
    private RouteTable router;
    private ClientConnection connection;
    private final CidrSet trusted = CidrSet.parse(List.of());

    @Setup(Level.Trial)
    public void setUp() {
        requestBytes = (client.equals("wrk") ? WRK : BROWSER).getBytes(StandardCharsets.US_ASCII);
        engine = new Engine(HttpEngineConfig.defaults(), Transport.select("nio"), new SimpleMeterRegistry(),
                Clock.systemUTC());
        requestDecoder = new EmbeddedChannel(new HttpRequestDecoder(engine.serverDecoderConfig()));
        requestEncoder = new EmbeddedChannel(new HttpRequestEncoder());
        responseDecoder = new EmbeddedChannel(new HttpResponseDecoder(engine.upstreamDecoderConfig()));
        responseEncoder = new EmbeddedChannel(new HttpResponseEncoder());
        // A table like a small cluster's: a few hosts, the request's among them, prefix routes as Ingresses have.
        Backend backend = new Backend.Service(new HttpCluster("default/web:80",
                List.of(new Endpoint(IpLiterals.of("127.0.0.1"), 8080, "default/web-1")), BackendProtocol.HTTP));
        List<Route> routes = List.of(
                new Route("default/web", "", PathMatch.prefix("/api"), backend, null, RoutePolicy.DEFAULT),
                new Route("default/web", "", PathMatch.prefix("/"), backend, null, RoutePolicy.DEFAULT));
        List<VirtualHost> hosts = List.of(
                new VirtualHost("shop.example.com", false, null, routes, Route.builtInDefault()),
                new VirtualHost("api.example.com", false, null, routes, Route.builtInDefault()),
                new VirtualHost("*.example.org", false, null, routes, Route.builtInDefault()));
        router = new RouteTable(new RouteConfig(hosts, new Route("default/web", "", PathMatch.prefix("/"), backend, null,
                RoutePolicy.DEFAULT), 443));
        connection = new ClientConnection(IpLiterals.of("127.0.0.1"), false, false, 18080, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        requestDecoder.finishAndReleaseAll();
        requestEncoder.finishAndReleaseAll();
        responseDecoder.finishAndReleaseAll();
        responseEncoder.finishAndReleaseAll();
    }

    /** Head bytes in, upstream head bytes out: decode, check, route, rewrite, encode. */
    @Benchmark
    public int request() {
        requestDecoder.writeInbound(bytes(requestBytes));
        HttpRequest req = requestDecoder.readInbound();
        ReferenceCountUtil.release(requestDecoder.readInbound()); // the empty last content of a GET
        if (RequestChecks.check(req, false) != null) throw new IllegalStateException("refused");
        RequestTarget target = RequestTarget.parse(req.uri());
        RequestChecks.dropUnderscoreNames(req.headers());
        String host = req.headers().get(io.netty.handler.codec.http.HttpHeaderNames.HOST);
        NettyRequestView view = NettyRequestView.of(req, target, connection, trusted, host);
        RouteDecision d = router.route(view);
        if (!(d instanceof RouteDecision.Forward f)) throw new IllegalStateException("not routed: " + d);
        HttpRequest up = UpstreamHeads.build(req, target, connection, view.clientIp(), false, host,
                Forwarding.newRequestId(), f.setRequestHeaders(), f.upstreamPath());
        Candidates candidates = engine.picker().candidates(f.cluster(), f.affinity(), view);
        if (candidates.next() == null) throw new IllegalStateException("no endpoint");
        requestEncoder.writeOutbound(up, LastHttpContent.EMPTY_LAST_CONTENT);
        int n = 0;
        for (Object o; (o = requestEncoder.readOutbound()) != null; ) {
            n += ((ByteBuf) o).readableBytes();
            ReferenceCountUtil.release(o);
        }
        engine.meters().record(d.ingress(), f.host(), f.path(), 200, 1_000, 0, 3);
        return n;
    }

    /** Response bytes in, client response bytes out: decode, rewrite, encode. */
    @Benchmark
    public int response() {
        responseDecoder.writeInbound(bytes(responseBytes));
        HttpResponse r = responseDecoder.readInbound();
        Object body = responseDecoder.readInbound();
        ResponseHeads.prepare(r, java.util.Map.of(), null, false, HttpMethod.GET, HttpVersion.HTTP_1_1, true);
        responseEncoder.writeOutbound(r, body);
        int n = 0;
        for (Object o; (o = responseEncoder.readOutbound()) != null; ) {
            n += ((ByteBuf) o).readableBytes();
            ReferenceCountUtil.release(o);
        }
        return n;
    }

    private static ByteBuf bytes(byte[] b) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(b.length).writeBytes(b);
    }
}
