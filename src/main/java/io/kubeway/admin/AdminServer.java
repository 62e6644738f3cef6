package io.kubeway.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The read-only admin HTTP API: {@code /healthz}, {@code /readyz}, {@code /metrics} (Prometheus text) and the
 * published {@link ClusterView} as Kubernetes-shaped lists at the API server's own paths
 * ({@code /api/v1/services}, {@code /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices}, ...), so that
 * {@code kubeway get}, {@code curl | jq} and fabric8 clients can read what the control plane decided.
 *
 * <p>Runs on the JDK's built-in HTTP server with a two-thread executor: it is an operator's window, not the data
 * plane, and must not compete with it for CPU. The socket is bound in the constructor so a port clash fails
 * startup with a clear message instead of surfacing later.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int THREADS = 2;

    private final HttpServer server;
    private final ExecutorService executor;
    private final AdminRouter router;

    /**
     * Binds {@code bind} (port 0 picks a free port) and starts serving.
     *
     * @param view     returns the latest published view; called once per request
     * @param registry the registry scraped by {@code /metrics}
     * @throws IllegalStateException if the address is already in use
     * @throws UncheckedIOException  if the server cannot be started for another reason
     */
    public AdminServer(InetSocketAddress bind, Supplier<ClusterView> view, PrometheusMeterRegistry registry) {
        requireNonNull(bind, "bind");
        requireNonNull(view, "view");
        requireNonNull(registry, "registry");
        this.router = new AdminRouter(view, registry::scrape, ApiResources.ALL);
        try {
            this.server = HttpServer.create(bind, 0);
        } catch (BindException e) {
            throw new IllegalStateException("cannot start kubeway admin API on " + hostPort(bind)
                    + ": address already in use (is another kubeway running? choose another --admin-address)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start kubeway admin API on " + hostPort(bind) + ": "
                    + e.getMessage(), e);
        }
        this.executor = Executors.newFixedThreadPool(THREADS,
                Thread.ofPlatform().name("kubeway-admin-", 0).daemon().factory());
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
        log.info("admin API listening on http://{}", hostPort(address()));
    }

    /** The bound address, with the actual port when constructed with port 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting, drops open exchanges and stops the executor. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            AdminResponse response;
            try {
                response = router.handle(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery());
            } catch (RuntimeException e) {
                log.warn("admin API failed to serve {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                response = KubeStatus.internalError("internal error: " + e);
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.status(), head || body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
