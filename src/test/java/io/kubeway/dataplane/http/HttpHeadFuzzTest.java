package io.kubeway.dataplane.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the HTTP/1.1 request head parser and the forwarding of what it accepts: the client's bytes go through the
 * server codec with the engine's decoder settings, then through the steps {@link Exchange} takes before a request
 * goes upstream ({@link RequestChecks}, {@link RequestTarget}, underscore headers dropped, {@link NettyRequestView},
 * {@link UpstreamHeads#build}), then through the upstream codec to the bytes a backend would read. Those bytes are
 * parsed back by a strict decoder.
 *
 * <p>Invariants: no exception escapes; each forwarded request is exactly one request with one framing (never both
 * Content-Length and Transfer-Encoding, at most one Content-Length, Transfer-Encoding only {@code chunked}), and
 * the backend reads the body the proxy read, no more (no smuggled second request); no control byte, space or
 * non-ASCII byte in the forwarded target; no header name with an underscore or a control byte in a value.
 *
 * <p>The corpus ({@code HttpHeadFuzzTestInputs/requestHead}) holds smuggling shapes: CL+TE, duplicate CL, obs-fold,
 * bare CR and LF, NUL, huge headers, pipelining. {@code JAZZER_FUZZ=1} fuzzes for {@code maxDuration}.
 */
class HttpHeadFuzzTest {
    private static final Engine ENGINE = new Engine(HttpEngineConfig.defaults().withTrustedProxies(List.of("127.0.0.0/8")),
            Transport.select("nio"), new SimpleMeterRegistry(), Clock.systemUTC());
    private static final InetAddress PEER = InetAddress.getLoopbackAddress();
    private static final HttpDecoderConfig STRICT = new HttpDecoderConfig().setAllowDuplicateContentLengths(false)
            .setUseRfc9112TransferEncoding(true).setStrictLineParsing(true).setMaxHeaderSize(256 * 1024)
            .setMaxInitialLineLength(64 * 1024);

    /** One request as the proxy read it: head, body bytes, whether its end arrived. */
    private record Read(HttpRequest head, byte[] body, boolean complete, HttpHeaders trailers) {}

    @FuzzTest(maxDuration = "5m")
    void requestHead(byte[] input) {
        for (Read r : decode(input)) {
            if (!r.complete()) continue; // the proxy streams bodies; an unfinished one is checked by length below
            forwardAndCheck(r);
        }
    }

    private static List<Read> decode(byte[] input) {
        EmbeddedChannel server = new EmbeddedChannel(new HttpServerCodec(ENGINE.serverDecoderConfig()));
        List<Read> out = new ArrayList<>();
        try {
            try {
                server.writeInbound(Unpooled.wrappedBuffer(input));
                server.finish();
            } catch (DecoderException e) {
                // More than 128 requests pipelined in one read: the codec's bound. On a real connection this reaches
                // ProxyHandler.exceptionCaught, which closes it; the requests decoded before it are still checked.
                if (!String.valueOf(e.getCause()).contains("maxPipelineDepth")) throw e;
            }
            HttpRequest head = null;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            Object m;
            while ((m = server.readInbound()) != null) {
                try {
                    if (m instanceof HttpRequest req) {
                        if (head != null) out.add(new Read(head, body.toByteArray(), false, null));
                        head = req;
                        body.reset();
                    }
                    if (m instanceof HttpContent c && head != null) {
                        if (c.decoderResult().isFailure()) { // a malformed body: the proxy answers 400 and closes
                            head = null;
                            continue;
                        }
                        body.writeBytes(ByteBufUtil.getBytes(c.content()));
                        if (m instanceof LastHttpContent last) {
                            HttpHeaders trailers = new io.netty.handler.codec.http.DefaultHttpHeaders();
                            trailers.add(last.trailingHeaders());
                            out.add(new Read(head, body.toByteArray(), true, trailers));
                            head = null;
                        }
                    }
                } finally {
                    ReferenceCountUtil.release(m);
                }
            }
        } finally {
            server.finishAndReleaseAll();
        }
        return out;
    }

    /** What {@link Exchange#start} and {@code forward} do before the head goes upstream, then the checks. */
    private static void forwardAndCheck(Read r) {
        HttpRequest req = r.head();
        if (RequestChecks.check(req, false) != null) return; // refused with 4xx/5xx: nothing is forwarded
        RequestTarget target = RequestTarget.parse(req.uri());
        if (target == null) return;
        String hostHeader = req.headers().get(HttpHeaderNames.HOST);
        RequestChecks.dropUnderscoreNames(req.headers());
        ClientConnection conn = new ClientConnection(PEER, true, false, 8080, null);
        NettyRequestView view = NettyRequestView.of(req, target, conn, ENGINE.trustedProxies(), hostHeader);
        boolean websocket = UpstreamHeads.isWebSocket(req);
        String upstreamPath = target.path() + (target.query() == null ? "" : "?" + target.query());
        HttpRequest up = UpstreamHeads.build(req, target, conn, view.clientIp(), websocket, hostHeader,
                Forwarding.newRequestId(), Map.of(), upstreamPath);
        checkHead(up);
        RequestChecks.cleanTrailers(r.trailers(), false); // as Exchange.requestContent does with the last part
        for (Map.Entry<String, String> e : r.trailers()) {
            assertThat(e.getKey()).as("forwarded trailer name").doesNotContain("_");
            assertThat(e.getKey().toLowerCase(java.util.Locale.ROOT)).as("framing, routing or identity in a trailer")
                    .isNotIn("content-length", "transfer-encoding", "host", "authorization", "x-forwarded-for", "cookie");
        }

        EmbeddedChannel upstream = new EmbeddedChannel(new HttpClientCodec(ENGINE.upstreamDecoderConfig(), false, false));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try {
            upstream.writeOutbound(up);
            // Exchange passes the client's body parts on as they are, the last one with the client's trailers.
            upstream.writeOutbound(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.wrappedBuffer(r.body()),
                    r.trailers()));
            ByteBuf b;
            while ((b = upstream.readOutbound()) != null) {
                wire.writeBytes(ByteBufUtil.getBytes(b));
                b.release();
            }
        } finally {
            upstream.finishAndReleaseAll();
        }
        reparse(wire.toByteArray(), r.body());
    }

    private static void checkHead(HttpRequest up) {
        HttpHeaders h = up.headers();
        assertThat(RequestChecks.cleanTarget(up.uri())).as("forwarded target %s", up.uri()).isTrue();
        List<String> lengths = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        List<String> codings = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        assertThat(lengths.size()).as("Content-Length headers").isLessThanOrEqualTo(1);
        assertThat(lengths.isEmpty() || codings.isEmpty()).as("both Content-Length and Transfer-Encoding").isTrue();
        assertThat(codings).allMatch(v -> v.trim().equalsIgnoreCase("chunked"));
        assertThat(codings.size()).isLessThanOrEqualTo(1);
        for (Map.Entry<String, String> e : h) {
            assertThat(e.getKey()).as("forwarded header name").doesNotContain("_");
            for (char c : e.getValue().toCharArray()) {
                assertThat(c < 0x20 && c != '\t' || c == 0x7F).as("control byte in header %s", e.getKey()).isFalse();
            }
        }
    }

    /** The backend's view: exactly one well-formed request, carrying exactly the body the proxy read. */
    private static void reparse(byte[] wire, byte[] body) {
        EmbeddedChannel backend = new EmbeddedChannel(new HttpRequestDecoder(STRICT));
        try {
            backend.writeInbound(Unpooled.wrappedBuffer(wire));
            int heads = 0;
            boolean ended = false;
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            Object m;
            while ((m = backend.readInbound()) != null) {
                try {
                    assertThat(((HttpObject) m).decoderResult().isSuccess()).as("backend parse: %s",
                            ((HttpObject) m).decoderResult()).isTrue();
                    if (m instanceof HttpRequest req) {
                        heads++;
                        assertThat(HttpUtil.isTransferEncodingChunked(req) && req.headers().contains(HttpHeaderNames.CONTENT_LENGTH))
                                .isFalse();
                    }
                    if (m instanceof HttpContent c) got.writeBytes(ByteBufUtil.getBytes(c.content()));
                    if (m instanceof LastHttpContent) ended = true;
                } finally {
                    ReferenceCountUtil.release(m);
                }
            }
            assertThat(heads).as("requests the backend reads").isEqualTo(1);
            assertThat(ended).as("the forwarded request ends").isTrue();
            assertThat(got.toByteArray()).as("body the backend reads").isEqualTo(body);
        } finally {
            backend.finishAndReleaseAll();
        }
    }
}
