package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.HttpCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

/**
 * Says why a backend with {@code proxy-ssl-*} settings was refused (a certificate that does not verify, a client
 * certificate the backend rejected): a warning line (rate-limited by {@link PeerLog}), since the request only sees
 * 502.
 */
final class BackendTlsFailures {
    private static final Logger log = LoggerFactory.getLogger(BackendTlsFailures.class);

    private BackendTlsFailures() {
    }

    static void report(HttpCluster cluster, Endpoint ep, Throwable cause) {
        Throwable c = cause;
        while (c != null && !(c instanceof SSLException)) c = c.getCause();
        if (c == null) return;
        Throwable root = c;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        PeerLog.warn(log, "{} -> {}: backend TLS failed ({}): {}; 502", cluster.name(), ep, cluster.tls(),
                root == c ? c.getMessage() : c.getMessage() + ": " + root.getMessage());
    }
}
