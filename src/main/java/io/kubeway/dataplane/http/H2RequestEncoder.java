package io.kubeway.dataplane.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the request head for an HTTP/2 backend into a HEADERS frame, ahead of Netty's
 * {@code Http2StreamFrameToHttpObjectCodec} (which still converts the body and trailers). Netty's own
 * conversion parses the target with {@code java.net.URI}, which rejects characters real clients send
 * (e.g. {@code |}), and drops the Host header without setting {@code :authority} for origin-form targets;
 * here the target goes out as received and Host becomes {@code :authority}.
 */
final class H2RequestEncoder extends MessageToMessageEncoder<HttpRequest> {
    private static final Set<AsciiString> CONNECTION_SPECIFIC = Set.of(
            AsciiString.cached("connection"), AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
            AsciiString.cached("transfer-encoding"), AsciiString.cached("upgrade"), AsciiString.cached("host"),
            AsciiString.cached("te"));
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString HTTP = AsciiString.cached("http");

    private final boolean tls;

    H2RequestEncoder(boolean tls) {
        super(HttpRequest.class);
        this.tls = tls;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HttpRequest req, List<Object> out) {
        out.add(new DefaultHttp2HeadersFrame(toHttp2(req, tls), false));
    }

    static Http2Headers toHttp2(HttpRequest req, boolean tls) {
        Http2Headers h = new DefaultHttp2Headers(true, req.headers().size() + 4);
        h.method(req.method().asciiName());
        h.scheme(tls ? HTTPS : HTTP);
        h.path(req.uri());
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host != null && !host.isEmpty()) h.authority(host);
        for (var it = req.headers().iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            AsciiString name = AsciiString.of(e.getKey()).toLowerCase();
            if (CONNECTION_SPECIFIC.contains(name)) {
                if (name.contentEquals("te") && Forwarding.hasToken(e.getValue().toString(), "trailers")) {
                    h.add(name, "trailers");
                }
                continue;
            }
            if (name.startsWith("x-http2-")) continue;
            h.add(name, e.getValue());
        }
        return h;
    }
}
