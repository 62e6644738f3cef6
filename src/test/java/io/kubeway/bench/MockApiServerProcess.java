package io.kubeway.bench;


import io.kubeway.testing.MockApiServer;

import java.io.IOException;

/**
 * fabric8's mock API server (CRUD mode) on 127.0.0.1, in a JVM of its own for {@link ClusterScaleBench}: a real API
 * server is another process, and its store (tens of thousands of objects) must not count in Kubeway's heap nor its
 * collections pause Kubeway. Writes its port to the file named by its argument once listening; stops when its
 * standard input closes.
 */
public final class MockApiServerProcess {
    private MockApiServerProcess() {
    }

    public static void main(String[] args) throws IOException {
        MockApiServer server = MockApiServer.start();
        java.nio.file.Path file = java.nio.file.Path.of(args[0]);
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.writeString(tmp, Integer.toString(server.port()));
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        while (System.in.read() >= 0) {
            // until the bench closes our stdin (or dies)
        }
        server.close();
        System.exit(0);
    }
}
