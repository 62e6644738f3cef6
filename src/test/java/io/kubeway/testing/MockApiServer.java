package io.kubeway.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, over real HTTP, with a client: what the tests of the in-cluster code talk
 * to. Like a real API server it stores what it is given; unlike one it does not default, validate or allocate, so
 * tests write those fields as the API server would.
 */
public final class MockApiServer implements AutoCloseable {
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockApiServer(InetAddress address, int port) {
        this(address, port, java.util.function.UnaryOperator.identity());
    }

    private MockApiServer(InetAddress address, int port,
                          java.util.function.UnaryOperator<io.fabric8.mockwebserver.http.Dispatcher> wrap) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                wrap.apply(new KubernetesCrudDispatcher()), false);
        server.init(address, port);
        client = server.createClient();
    }

    /** On loopback, on a free port. */
    public static MockApiServer start() {
        return new MockApiServer(InetAddress.getLoopbackAddress(), 0);
    }

    /** On {@code address}:{@code port} (0: a free port), for tests whose clients live in other namespaces. */
    public static MockApiServer start(InetAddress address, int port) {
        return new MockApiServer(address, port);
    }

    /**
     * On loopback, with the CRUD dispatcher wrapped by {@code wrap} (a test that answers some requests itself, as a
     * real API server would in situations CRUD mode does not produce: a watch answered 410 Gone).
     */
    public static MockApiServer start(java.util.function.UnaryOperator<io.fabric8.mockwebserver.http.Dispatcher> wrap) {
        return new MockApiServer(InetAddress.getLoopbackAddress(), 0, wrap);
    }

    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    public int port() {
        return server.getPort();
    }

    /** Closes the client and stops the server. */
    @Override
    public void close() {
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // the mock server waits 10 s at most for open watch connections to drain; on a loaded machine that
            // can pass, and the test's outcome is already decided
        }
    }
}
