package io.kubeway.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * fabric8's mock API server (CRUD mode) on 127.0.0.1, in a JVM of its own for {@link ClusterScaleBench}: a real API
 * server is another process, and its store (tens of thousands of objects) must not count in Kubeway's heap nor its
 * collections pause Kubeway. Writes its port to the file named by its argument once listening; stops when its
 * standard input closes.
 */
public final class MockApiServer {
    private MockApiServer() {
    }

    public static void main(String[] args) throws IOException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        java.nio.file.Path file = java.nio.file.Path.of(args[0]);
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.writeString(tmp, Integer.toString(server.getPort()));
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        while (System.in.read() >= 0) {
            // until the bench closes our stdin (or dies)
        }
        server.destroy();
        System.exit(0);
    }
}
