package io.kubeway.dataplane.http;

import io.kubeway.core.IpLiterals;
import io.kubeway.dataplane.PeerLog;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.Forward;
import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.UpstreamPolicy.Case;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request, from its head to the end of its response: routes it, then either answers locally or proxies it
 * to an endpoint, streaming both bodies with backpressure (a chunk is read from one side only while the other
 * side can take it), and finally records it.
 *
 * <p>Failures: a connect failure moves on to the next endpoint (each once), then 502; a pooled connection the
 * backend closed before answering an idempotent request without body is retried once on a new connection;
 * the backend closing before its response head is 502, after it the client connection is cut (a truncated
 * response must not look complete). Timeouts ({@link Forward#timeouts()} and the client idle timeout) are
 * checked by one watchdog timer: send (upstream not taking the body), read (upstream silent),
 * client body and client reading stalls. Nothing waits forever. The timer is the client connection's
 * ({@link ProxyHandler#wakeBy}): a request only moves it when its deadline comes first.
 *
 * <p>Everything runs on the client channel's event loop (the backend channel shares it).
 */
final class Exchange {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private enum Phase { ROUTING, AUTHORIZING, CONNECTING, PROXYING, DISCARDING, DONE }

    /** The most request body read and dropped after a local answer before the connection is closed instead. */
    static final long DISCARD_LIMIT = 1 << 20;
    /** The statuses nginx's {@code add_header} (without {@code always}) applies to. */
    private static final java.util.Set<Integer> ADD_HEADER_STATUSES = java.util.Set.of(200, 201, 204, 206, 301, 302,
            303, 304, 307, 308);

    private final ProxyHandler client;
    private final Engine engine;
    private final HttpRequest request;
    private final EventLoop loop;
    private final long startNanos = System.nanoTime();
    private final String requestId;
    private final String originalUri;
    private final @Nullable String hostHeader;
    private final @Nullable String referer;
    private final @Nullable String userAgent;
    private final boolean clientKeepAlive;

    private Phase phase = Phase.ROUTING;
    private @Nullable NettyRequestView view;
    private @Nullable RequestTarget target;
    private String ingress = "-";
    private String routeHost = "";
    private String routePath = "";
    private @Nullable Forward forward;
    private @Nullable Candidates candidates;
    private RateLimiter.Permit permit = RateLimiter.Permit.NONE;
    private @Nullable HttpRequest upstreamHead;
    private @Nullable UpstreamLink upstream;
    private @Nullable Endpoint endpoint;
    /** A connect in flight (cancelled if the client goes away), and whether this waits for a connect slot. */
    private @Nullable Future<UpstreamLink> pendingConnect;
    private boolean waitingForSlot;
    /** The auth-url subrequest in flight (cancelled if the client goes away), and its answer's cookies. */
    private @Nullable Future<ExternalAuthCall.Answer> pendingAuth;
    private List<String> authCookies = List.of();
    /** auth-always-set-cookie: {@link #authCookies} go on every response, local ones included. */
    private boolean authCookiesAlways;
    /** proxy-next-upstream: made at the first failure of a route that sets it. */
    private @Nullable Retries retries;
    /** custom-http-errors: the request went to the error backend (once), without its body. */
    private boolean errorPaged;
    /** mirror-target: the copy of this request still gathering its body, or null. */
    private @Nullable MirrorCopy mirror;

    private boolean requestComplete;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean skippingInterim;
    private boolean websocket;
    private boolean expectContinue;
    private boolean upstreamKeepAlive;
    private boolean staleRetried;
    private boolean keepAlive;
    private int status;
    private int upstreamStatus;
    private long requestBytes;
    private long responseBytes;
    private long upstreamStartNanos = -1;
    private final Deadlines deadlines = new Deadlines();

    Exchange(ProxyHandler client, Engine engine, HttpRequest request) {
        this.client = client;
        this.engine = engine;
        this.request = request;
        this.loop = client.channel().eventLoop();
        HttpHeaders h = request.headers();
        String id = h.get(Forwarding.X_REQUEST_ID);
        this.requestId = id == null || id.isEmpty() ? Forwarding.newRequestId() : id;
        this.originalUri = request.uri();
        this.hostHeader = h.get(HttpHeaderNames.HOST);
        this.referer = h.get(HttpHeaderNames.REFERER);
        this.userAgent = h.get(HttpHeaderNames.USER_AGENT);
        this.clientKeepAlive = HttpUtil.isKeepAlive(request); // before the Connection header is stripped
    }

    boolean requestComplete() {
        return requestComplete;
    }

    /** Routes the request and starts answering it. */
    void start() {
        RequestChecks.Rejection rejected = RequestChecks.check(request, client.http2());
        target = rejected == null ? RequestTarget.parse(request.uri()) : null;
        if (rejected == null && target == null) rejected = new RequestChecks.Rejection(400, "bad request-target");
        if (rejected != null) {
            log.debug("{}: refused {}: {}", client.channel(), request.uri(), rejected.reason());
            respondLocal(rejected.status(), Map.of(), LocalResponses.errorBody(rejected.status()), true);
            return;
        }
        if (!engine.underscoresInHeaders()) RequestChecks.dropUnderscoreNames(request.headers());
        view = NettyRequestView.of(request, target, client.connection(), engine.trustedProxies(), hostHeader);
        RouteDecision decision;
        try {
            decision = engine.router().route(view);
        } catch (RuntimeException e) {
            log.warn("router failed on {}: {}", view, e.toString(), e);
            respondLocal(500, Map.of(), LocalResponses.errorBody(500), false);
            return;
        }
        ingress = decision.ingress() == null ? "-" : decision.ingress();
        carryOut(decision);
    }

    private void carryOut(RouteDecision decision) {
        switch (decision) {
            case RouteDecision.Respond r -> respondLocal(r.status(), r.headers(), r.body() == null ? "" : r.body(), false);
            case Forward f -> forward(f);
            case RouteDecision.Authenticate a -> checkPassword(a);
        }
    }

    /**
     * A costly basic-auth password check, on the engine's password threads ({@link PasswordChecks}); the request body
     * waits in the client connection meanwhile. Full queue: 503.
     */
    private void checkPassword(RouteDecision.Authenticate a) {
        phase = Phase.AUTHORIZING;
        Future<Boolean> check = engine.passwordChecks().submit(a.check(), loop);
        if (check == null) {
            PeerLog.warn(log, "{}: password checks queued at the limit ({}), 503 for {} {}", ingress,
                    PasswordChecks.QUEUE, request.method(), originalUri);
            fail(503, "password checks queued at the limit", false);
            return;
        }
        check.addListener((Future<Boolean> done) -> {
            if (phase != Phase.AUTHORIZING) return; // the client went away
            phase = Phase.ROUTING;
            if (!done.isSuccess()) {
                log.warn("password check of {} failed: {}", ingress, done.cause().toString());
                fail(500, "password check failed", false);
            } else {
                carryOut(done.getNow() ? a.then() : a.unauthorized());
            }
        });
    }

    private void forward(Forward f) {
        forward = f;
        routeHost = f.host() == null ? "" : f.host();
        routePath = f.path() == null ? "" : f.path();
        if (f.rateLimit() != null) {
            RateLimiter.Permit p = engine.limiter().admit(f.rateLimit(), view.clientIp(), engine.clock().millis());
            if (p == null) {
                respondLocal(503, Map.of(), LocalResponses.errorBody(503), false);
                return;
            }
            permit = p;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        if (f.maxBodyBytes() > 0 && length > f.maxBodyBytes()) {
            respondLocal(413, Map.of(), LocalResponses.errorBody(413), true);
            return;
        }
        if (f.cluster().endpoints().isEmpty()) {
            respondLocal(503, Map.of(), LocalResponses.errorBody(503), false);
            return;
        }
        if (f.upstreamPath() == null || !f.upstreamPath().startsWith("/")) {
            log.warn("route {} gave an invalid upstream path {}", ingress, f.upstreamPath());
            respondLocal(500, Map.of(), LocalResponses.errorBody(500), false);
            return;
        }
        if (f.externalAuth() != null) {
            authorize(f, f.externalAuth());
            return;
        }
        proceed(f, null);
    }

    /**
     * Asks the auth service ({@code auth-url}) first; the request body waits in the client connection meanwhile. A
     * 2xx answer proceeds, 401 and 403 go back to the client (401 as a redirect to {@code auth-signin} when set),
     * anything else, a failure or a timeout is 500. The call counts against the listener's connect cap.
     */
    private void authorize(Forward f, ExternalAuth spec) {
        phase = Phase.AUTHORIZING;
        String host = hostHeader != null ? hostHeader : view.host();
        String scheme = view.tls() ? "https" : "http";
        // auth-cache-key: a kept answer decides without asking (the route's keyspace, as ingress-nginx's location).
        String cacheKey = spec.cache() == null ? null : AuthAnswerCache.key(spec, routeHost, routePath,
                spec.cache().key().evaluate(view, view.path()));
        if (cacheKey != null) {
            ExternalAuthCall.Answer kept = AuthAnswerCache.SHARED.get(cacheKey);
            if (kept != null) {
                decide(f, spec, kept, scheme, host);
                return;
            }
        }
        ClientConnection conn = client.connection();
        if (!conn.listener().startConnect()) {
            fail(503, "too many backend connects in flight on this listener", false);
            return;
        }
        Future<ExternalAuthCall.Answer> call = ExternalAuthCall.send(engine, loop, spec, ExternalAuthCall.head(spec,
                request, conn, view.clientIp(), host, requestId, scheme + "://" + host + originalUri), f.timeouts());
        pendingAuth = call;
        call.addListener((Future<ExternalAuthCall.Answer> done) -> {
            pendingAuth = null;
            conn.listener().connectDone();
            if (phase != Phase.AUTHORIZING) return; // the client went away
            if (!done.isSuccess()) {
                PeerLog.warn(log, "auth-url {} of {} failed: {}; 500", spec.url(), ingress, done.cause().toString());
                fail(500, "auth-url failed", false);
                return;
            }
            if (cacheKey != null) AuthAnswerCache.SHARED.put(cacheKey, spec, spec.cache(), done.getNow());
            decide(f, spec, done.getNow(), scheme, host);
        });
    }

    /** What the auth service's answer (fresh or kept) means for the request. */
    private void decide(Forward f, ExternalAuth spec, ExternalAuthCall.Answer a, String scheme, String host) {
        int code = a.status();
        // auth-always-set-cookie: nginx's auth_request_set also runs for 401 and 403, and add_header ... always.
        if (code >= 200 && code < 300 || spec.alwaysSetCookie() && (code == 401 || code == 403)) {
            authCookies = a.headers().getAll(HttpHeaderNames.SET_COOKIE);
            authCookiesAlways = spec.alwaysSetCookie();
        }
        if (code >= 200 && code < 300) {
            proceed(f, a.headers());
        } else if (code == 401 && spec.signin() != null) {
            respondLocal(302, Map.of("Location", SigninUrl.build(spec, scheme, host, originalUri)),
                    LocalResponses.errorBody(302), false);
        } else if (code == 401 || code == 403) {
            String challenge = a.headers().get(HttpHeaderNames.WWW_AUTHENTICATE);
            respondLocal(code, code == 401 && challenge != null ? Map.of("WWW-Authenticate", challenge)
                    : Map.of(), LocalResponses.errorBody(code), false);
        } else {
            PeerLog.warn(log, "auth-url {} of {} answered {}; 500", spec.url(), ingress, code);
            fail(500, "auth-url answered " + code, false);
        }
    }

    /** The forward after authorization; {@code authAnswer} holds the auth service's headers, or is null. */
    private void proceed(Forward f, @Nullable HttpHeaders authAnswer) {
        BackendProtocol protocol = f.cluster().protocol();
        websocket = !client.http2() && UpstreamHeads.isWebSocket(request)
                && (protocol == BackendProtocol.HTTP || protocol == BackendProtocol.HTTPS);
        expectContinue = UpstreamHeads.expectsContinue(request);
        UpstreamPolicy policy = f.upstream();
        boolean hasBody = policy != null && policy.mirror() != null
                && (HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request));
        upstreamHead = UpstreamHeads.build(request, target, client.connection(), view.clientIp(), websocket, hostHeader,
                requestId, f.setRequestHeaders(), f.upstreamPath());
        if (authAnswer != null) {
            // nginx's auth_request_set + proxy_set_header: a header the answer lacks is sent empty, i.e. not at all.
            for (String name : f.externalAuth().responseHeaders()) {
                String v = authAnswer.get(name);
                if (v != null) upstreamHead.headers().set(name, v);
                else upstreamHead.headers().remove(name);
            }
        }
        if (policy != null && policy.mirror() != null && !websocket) {
            mirror = MirrorCopy.start(engine, loop, client.connection().listener().key(), policy.mirror(),
                    f.timeouts(), upstreamHead, view, hasBody);
        }
        candidates = engine.picker().candidates(f.cluster(), f.affinity(), view);
        connect(candidates.next(), false);
    }

    /**
     * Gets a link to {@code ep}: an idle pooled connection unless {@code fresh}, else a new connection (or HTTP/2
     * stream). A new one starts after the current read is handled, so a request its client resets in the same
     * read (HTTP/2 rapid reset) costs no connect and takes no slot; one reset later cancels its connect
     * ({@link #clientClosed}).
     */
    private void connect(Endpoint ep, boolean fresh) {
        phase = Phase.CONNECTING;
        endpoint = ep;
        PoolKey key = PoolKey.of(ep, forward.cluster());
        if (!fresh && !key.http2()) {
            H1Link idle = engine.upstreams(loop).pooled(key);
            if (idle != null) {
                connected(idle);
                return;
            }
        }
        loop.execute(this::connectIfStillWanted);
    }

    /**
     * Starts the connect within the caps: past this client connection's cap the exchange waits for one of its
     * connects to end ({@link #connectSlotFree}); past the listener's, it gets 503.
     */
    private void connectIfStillWanted() {
        if (phase != Phase.CONNECTING || pendingConnect != null || waitingForSlot) return;
        ClientConnection conn = client.connection();
        if (conn.connecting >= engine.config().limits().maxUpstreamConnectsPerClient()) {
            waitingForSlot = true;
            conn.awaitConnectSlot(this);
            return;
        }
        if (!conn.listener().startConnect()) {
            PeerLog.warn(log, "{}: {} backend connects in flight (the --max-upstream-connects cap), 503 for {} {}",
                    conn.listener().key(), engine.config().limits().maxUpstreamConnects(), request.method(), originalUri);
            fail(503, "too many backend connects in flight on this listener", false);
            return;
        }
        conn.connecting++;
        Endpoint ep = endpoint;
        Future<UpstreamLink> f = engine.upstreams(loop).connect(ep, PoolKey.of(ep, forward.cluster()),
                forward.timeouts());
        pendingConnect = f;
        f.addListener((Future<UpstreamLink> done) -> {
            pendingConnect = null;
            connectEnded();
            if (done.isSuccess()) connected(done.getNow());
            else connectFailed(ep, done.cause());
        });
    }

    /** Called by the client connection when a connect slot frees up for this waiting exchange. */
    void connectSlotFree() {
        waitingForSlot = false;
        connectIfStillWanted();
    }

    private void connectEnded() {
        ClientConnection conn = client.connection();
        conn.listener().connectDone();
        conn.connectDone();
    }

    private void connectFailed(Endpoint ep, Throwable cause) {
        if (phase != Phase.CONNECTING) return; // cancelled: the client is gone
        log.debug("{} -> {}: connect failed: {}", forward.cluster().name(), ep, cause.toString());
        if (forward.cluster().tls() != null) BackendTlsFailures.report(forward.cluster(), ep, cause);
        Endpoint next = nextTry(cause instanceof io.netty.channel.ConnectTimeoutException ? Case.TIMEOUT : Case.ERROR,
                false);
        if (next != null) connect(next, false);
        else fail(502, "no endpoint of " + forward.cluster().name() + " accepted a connection", false);
    }

    private void connected(UpstreamLink link) {
        if (phase != Phase.CONNECTING) { // the client went away meanwhile; nothing was written
            link.release(true);
            return;
        }
        if (forward.maxBodyBytes() > 0 && !requestComplete && client.queuedBodyBytes() > forward.maxBodyBytes()) {
            link.release(true);
            respondLocal(413, Map.of(), LocalResponses.errorBody(413), true);
            return;
        }
        upstream = link;
        link.attach(this);
        phase = Phase.PROXYING;
        long now = System.nanoTime();
        if (upstreamStartNanos < 0) upstreamStartNanos = now;
        deadlines.start(now);
        Channel up = link.channel();
        up.write(upstreamHead, up.voidPromise());
        // A retry of a request without body (or whose body the error backend does not get).
        if (requestComplete || errorPaged) up.write(LastHttpContent.EMPTY_LAST_CONTENT, up.voidPromise());
        if (expectContinue && !requestComplete) client.writeContinue();
        client.drain();
        if (phase != Phase.PROXYING) return;
        up.flush();
        up.read();
        armWatchdog(now);
        client.readIfWanted();
    }

    /** Whether body parts of this request may be handed over now. */
    boolean acceptsBody() {
        return (phase == Phase.PROXYING || phase == Phase.DISCARDING) && !requestComplete;
    }

    /** Whether the client channel should read: a body is expected and the backend keeps up with it. */
    boolean wantsClientRead() {
        if (phase == Phase.DISCARDING) return !requestComplete;
        return phase == Phase.PROXYING && !requestComplete && upstream != null && upstream.channel().isWritable();
    }

    void requestContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (phase == Phase.DISCARDING) {
            requestBytes += c.content().readableBytes();
            deadlines.lastClientActivity = System.nanoTime();
            c.release();
            if (last) {
                requestComplete = true;
                finish();
            } else if (requestBytes > DISCARD_LIMIT) {
                keepAlive = false;
                finish();
            }
            return;
        }
        if (phase != Phase.PROXYING || errorPaged) {
            c.release();
            if (last) {
                requestComplete = true;
                if (phase == Phase.PROXYING && responseComplete) finish();
            }
            return;
        }
        if (c.decoderResult().isFailure()) {
            c.release();
            fail(400, "malformed request body: " + c.decoderResult().cause(), true);
            return;
        }
        requestBytes += c.content().readableBytes();
        deadlines.lastClientActivity = System.nanoTime();
        if (forward.maxBodyBytes() > 0 && requestBytes > forward.maxBodyBytes()) {
            c.release();
            // Part of the body already went to the backend: that connection is spoilt; the client still gets 413.
            fail(413, "request body over " + forward.maxBodyBytes() + " bytes", true);
            return;
        }
        Channel up = upstream.channel();
        if (last) {
            requestComplete = true;
            HttpHeaders trailers = ((LastHttpContent) c).trailingHeaders();
            if (!trailers.isEmpty()) RequestChecks.cleanTrailers(trailers, engine.underscoresInHeaders());
        }
        if (mirror != null) mirror.content(c);
        up.write(c, up.voidPromise());
        if (last) {
            up.flush();
            deadlines.lastUpstreamActivity = System.nanoTime();
            if (responseComplete) finish();
        }
    }

    void clientReadComplete() {
        if (phase == Phase.PROXYING && upstream != null) upstream.channel().flush();
    }

    void clientWritabilityChanged(boolean writable) {
        if (phase != Phase.PROXYING) return;
        if (writable) {
            deadlines.clientBlockedSince = -1;
            if (!responseComplete && upstream != null) upstream.channel().read();
        } else if (deadlines.clientBlockedSince < 0) {
            deadlines.clientBlockedSince = System.nanoTime();
        }
    }

    /** The client connection (or HTTP/2 stream) is gone. */
    void clientClosed() {
        if (phase == Phase.DONE) return;
        if (!responseComplete) status = 499;
        phase = Phase.DONE;
        if (waitingForSlot) {
            waitingForSlot = false;
            client.connection().stopWaiting(this);
        }
        Future<UpstreamLink> connecting = pendingConnect;
        if (connecting != null) connecting.cancel(false);
        Future<ExternalAuthCall.Answer> authorizing = pendingAuth;
        if (authorizing != null) authorizing.cancel(false);
        releaseUpstream(false);
        permit.release();
        record();
    }

    // ---- backend side ----

    void upstreamRead(Object msg) {
        deadlines.lastUpstreamActivity = System.nanoTime();
        if (phase != Phase.PROXYING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                upstreamBroken("invalid response head: " + r.decoderResult().cause(), Case.INVALID_HEADER);
                return;
            }
            int code = r.status().code();
            if (code == 101) {
                if (websocket && requestComplete && !responseStarted) {
                    upgrade(r);
                } else {
                    ReferenceCountUtil.release(msg);
                    upstreamBroken("unexpected 101 Switching Protocols");
                }
                return;
            }
            if (code < 200) { // 100 Continue, 103 Early Hints...: interim, not forwarded
                skippingInterim = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
            if (responseStarted) {
                ReferenceCountUtil.release(msg);
                upstreamBroken("second response head");
                return;
            }
            skippingInterim = false;
            if (forward.upstream() != null && answeredElsewhere(code)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            responseHead(r);
        } else if (msg instanceof HttpContent c) {
            if (skippingInterim) {
                if (msg instanceof LastHttpContent) skippingInterim = false;
                c.release();
                return;
            }
            if (!responseStarted || c.decoderResult().isFailure()) {
                c.release();
                upstreamBroken("malformed response body");
                return;
            }
        } else {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent c) responseBytes += c.content().readableBytes();
        client.write(msg);
        if (msg instanceof LastHttpContent) {
            responseComplete = true;
            client.flush();
            if (requestComplete) {
                finish();
            } else {
                // The backend answered before the whole body arrived (e.g. it refused the upload): the upstream
                // connection is not reusable and the client connection is closed after the response.
                keepAlive = false;
                releaseUpstream(false);
                finish();
            }
        }
    }

    private void responseHead(HttpResponse r) {
        status = upstreamStatus = r.status().code();
        if (forward.affinity() == RouteDecision.EndpointAffinity.EWMA && endpoint != null) {
            long now = System.nanoTime();
            engine.picker().ewma().observe(endpoint, now - upstreamStartNanos, now);
        }
        responseStarted = true;
        upstreamKeepAlive = HttpUtil.isKeepAlive(r) && !websocket;
        if (forward.proxyRedirect() != null) LocationRewrite.apply(r.headers(), forward.proxyRedirect());
        keepAlive = ResponseHeads.prepare(r, forward.addResponseHeaders(), candidates.cookieToSet(), client.http2(),
                request.method(), request.protocolVersion(), requestComplete && client.keepAliveAllowed(clientKeepAlive));
        // ingress-nginx: add_header Set-Cookie $auth_cookie (the auth answer's), on nginx's add_header statuses.
        if (!authCookies.isEmpty() && (ADD_HEADER_STATUSES.contains(status) || authCookiesAlways)) {
            r.headers().add(HttpHeaderNames.SET_COOKIE, authCookies);
        }
    }

    void upstreamReadComplete() {
        if (phase != Phase.PROXYING) return;
        client.flush();
        if (!responseComplete && upstream != null && client.channel().isWritable()) upstream.channel().read();
    }

    void upstreamWritabilityChanged(boolean writable) {
        if (phase != Phase.PROXYING) return;
        if (writable) {
            deadlines.upstreamBlockedSince = -1;
            client.readIfWanted();
        } else if (deadlines.upstreamBlockedSince < 0) {
            deadlines.upstreamBlockedSince = System.nanoTime();
        }
    }

    void upstreamClosed(UpstreamLink link, @Nullable Throwable cause) {
        if (link != upstream || phase != Phase.PROXYING) return;
        upstream = null;
        if (responseComplete) return;
        if (!responseStarted && link.reused() && requestBytes == 0 && !staleRetried && idempotent(request.method())) {
            // The backend closed an idle keep-alive connection just as we reused it: nothing reached it.
            staleRetried = true;
                connect(link.endpoint, true);
            return;
        }
        upstreamBroken(cause == null ? "backend closed the connection" : cause.toString(), Case.ERROR);
    }

    private static boolean idempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
    }

    /** The backend failed us: 502 if the client has no response yet, else cut the client off. */
    private void upstreamBroken(String why) {
        upstreamBroken(why, null);
    }

    /** As above; before the response, a {@code proxy-next-upstream} case may move the request on instead. */
    private void upstreamBroken(String why, @Nullable Case retryCase) {
        log.debug("{} -> {}: {}", forward.cluster().name(), endpoint, why);
        if (!responseStarted && retryCase != null && movedOn(retryCase)) return;
        if (!responseStarted) fail(502, why, false);
        else abort(why);
    }

    /**
     * The next endpoint to try after a failure of {@code c}, or null. A route without {@code proxy-next-upstream*}
     * moves on after connect failures only, each endpoint once; with them, as {@link Retries} says.
     */
    private @Nullable Endpoint nextTry(Case c, boolean sent) {
        UpstreamPolicy u = forward.upstream();
        if (u == null || u.nextUpstream() == null) return sent ? null : candidates.next();
        if (retries == null) retries = new Retries(u.nextUpstream(), startNanos);
        if (!retries.allows(c, request.method(), sent, requestBytes, System.nanoTime())) return null;
        Endpoint next = candidates.next();
        if (next != null) retries.attempted();
        return next;
    }

    /** After the request reached a backend: moves it on to the next endpoint if {@code c} allows; true if so. */
    private boolean movedOn(Case c) {
        if (errorPaged) return false;
        Endpoint next = nextTry(c, true);
        if (next == null) return false;
        releaseUpstream(false);
        skippingInterim = false;
        expectContinue = false; // the client had its 100 Continue
        connect(next, false);
        return true;
    }

    /**
     * A response head with {@code code} from a route with an {@link UpstreamPolicy}: moved on to the next endpoint
     * ({@code proxy-next-upstream http_*}) or answered by the error backend ({@code custom-http-errors}); true if
     * so, and this response is dropped.
     */
    private boolean answeredElsewhere(int code) {
        Case c = UpstreamPolicy.NextUpstream.forStatus(code);
        if (c != null && movedOn(c)) return true;
        upstreamStatus = code;
        return errorPage(code);
    }

    /**
     * custom-http-errors: an answer with {@code code} is replaced by the error backend's answer to the error page
     * request ({@link ErrorPage}); true if so. Once per request: the error backend's own answer is final.
     */
    private boolean errorPage(int code) {
        UpstreamPolicy u = forward == null ? null : forward.upstream();
        if (u == null || u.errorPages() == null || errorPaged || !u.errorPages().intercepts(code)
                || phase == Phase.DONE || responseStarted) {
            return false;
        }
        errorPaged = true;
        releaseUpstream(false);
        var backend = u.errorPages().backend();
        if (backend == null || backend.endpoints().isEmpty()) {
            // The built-in default backend (as the router's, "default backend - 404"); one without endpoints.
            if (backend == null) respondLocal(404, Map.of(), "default backend - 404", false);
            else respondLocal(503, Map.of(), LocalResponses.errorBody(503), false);
            return true;
        }
        HttpRequest head = upstreamHead != null ? upstreamHead : UpstreamHeads.build(request, target,
                client.connection(), view.clientIp(), false, hostHeader, requestId, Map.of(), forward.upstreamPath());
        upstreamHead = ErrorPage.head(head, forward, code, originalUri, requestId,
                request.headers().get(HttpHeaderNames.ACCEPT));
        forward = forward.redirected(backend, "/");
        websocket = false;
        expectContinue = false;
        candidates = engine.picker().candidates(backend, null, view);
        connect(candidates.next(), false);
        return true;
    }

    private void upgrade(HttpResponse r) {
        status = upstreamStatus = 101;
        responseStarted = true;
        responseComplete = true;
        UpstreamLink link = upstream;
        upstream = null;
        link.detach();
        link.exchange = null;
        phase = Phase.DONE;
        record();
        WebSocketTunnel.start(client, link, WebSocketTunnel.switchingResponse(r), permit, forward.timeouts().read());
    }

    // ---- endings ----

    /**
     * Answers locally: a routing decision, a refusal, or an error before the response started. If the request
     * body is still coming (and the connection may stay open), it is read and dropped first, up to
     * {@link #DISCARD_LIMIT}, as nginx discards the body of a request it answered itself.
     */
    private void respondLocal(int code, Map<String, String> headers, String body, boolean forceClose) {
        if (forward != null && forward.upstream() != null && errorPage(code)) return;
        releaseUpstream(false);
        status = code;
        responseStarted = true;
        responseComplete = true;
        if (!requestComplete) requestComplete = client.discardQueuedBody();
        keepAlive = !forceClose && client.keepAliveAllowed(clientKeepAlive);
        FullHttpResponse local = LocalResponses.build(code, headers, body, request.method().equals(HttpMethod.HEAD),
                client.http2(), request.protocolVersion(), keepAlive);
        if (!authCookies.isEmpty() && authCookiesAlways) {
            local.headers().add(HttpHeaderNames.SET_COOKIE, authCookies); // auth-always-set-cookie
        }
        client.write(local);
        client.flush();
        if (requestComplete || !keepAlive || client.http2()) {
            finish();
            return;
        }
        phase = Phase.DISCARDING;
        deadlines.lastClientActivity = System.nanoTime();
        client.wakeBy(deadlines.lastClientActivity + engine.clientIdleNanos());
        client.readIfWanted();
    }

    /**
     * An error answer before the response started. {@code close}: the rest of the body is unwanted (413, 408,
     * a malformed body); otherwise it may be discarded so the connection stays usable.
     */
    private void fail(int code, String why, boolean close) {
        log.debug("{} {}: {} ({})", request.method(), originalUri, code, why);
        respondLocal(code, Map.of(), LocalResponses.errorBody(code), close);
    }

    private void finish() {
        if (phase == Phase.DONE) return;
        phase = Phase.DONE;
        releaseUpstream(requestComplete && responseComplete && upstreamKeepAlive);
        permit.release();
        record();
        client.exchangeDone(this, keepAlive && requestComplete);
    }

    /** Cuts the client off mid-response, so it cannot mistake a truncated response for a whole one. */
    private void abort(String why) {
        if (phase == Phase.DONE) return;
        log.debug("{} {}: aborted: {}", request.method(), originalUri, why);
        phase = Phase.DONE;
        releaseUpstream(false);
        permit.release();
        record();
        client.abort();
    }

    private void releaseUpstream(boolean reusable) {
        UpstreamLink l = upstream;
        upstream = null;
        if (l != null) l.release(reusable);
    }

    private void record() {
        if (mirror != null) mirror.close();
        long now = System.nanoTime();
        engine.meters().record(ingress, routeHost, routePath, status, now - startNanos, requestBytes, responseBytes);
        if (!engine.accessLog().enabled()) return;
        Instant start = engine.clock().instant().minusNanos(now - startNanos);
        engine.accessLog().log(new RequestRecord(start,
                IpLiterals.format(view != null ? view.clientIp() : client.connection().peer()), request.method().name(),
                originalUri, client.http2() ? "HTTP/2.0" : request.protocolVersion().text(),
                hostHeader == null ? "" : hostHeader, referer, userAgent, requestId, ingress, routeHost, routePath,
                forward == null ? null : forward.cluster().name(), endpoint == null ? null : endpoint.toString(),
                status, upstreamStatus, requestBytes, responseBytes, now - startNanos,
                upstreamStartNanos < 0 ? -1 : now - upstreamStartNanos));
    }

    // ---- timeouts ----

    private void armWatchdog(long now) {
        long first = Math.min(forward.timeouts().read().toNanos(),
                Math.min(forward.timeouts().send().toNanos(), engine.clientIdleNanos()));
        client.wakeBy(now + Math.max(first, 1));
    }

    /**
     * Called by the connection's timer: acts on an expired timeout.
     *
     * @return when to check again ({@code Long.MAX_VALUE}: nothing to watch)
     */
    long checkTimeouts(long now) {
        if (phase == Phase.DISCARDING) {
            long due = deadlines.lastClientActivity + engine.clientIdleNanos();
            if (now - due < 0) return due;
            keepAlive = false;
            finish();
            return Long.MAX_VALUE;
        }
        if (phase != Phase.PROXYING) return Long.MAX_VALUE;
        switch (deadlines.check(now, requestComplete, responseStarted, responseComplete, forward.timeouts(),
                engine.clientIdleNanos())) {
            case SEND -> timedOut(504, "backend not taking the request body (send timeout)");
            case CLIENT_BODY -> timedOut(408, "client stopped sending the request body");
            case CLIENT_READ -> abort("client stopped reading the response");
            case READ -> timedOut(504, "backend silent for the read timeout");
            case NONE -> {
                return deadlines.next;
            }
        }
        return Long.MAX_VALUE;
    }

    private void timedOut(int code, String why) {
        if (!responseStarted && code == 504 && movedOn(Case.TIMEOUT)) return;
        if (!responseStarted) {
            releaseUpstream(false);
            fail(code, why, code == 408);
        } else {
            abort(why);
        }
    }
}
