package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.BackendTls;
import io.kubeway.state.http.HttpCluster;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;

/**
 * What makes two backend connections interchangeable: the endpoint address, the protocol spoken and the backend
 * TLS settings ({@code proxy-ssl-*}; null for the default).
 */
record PoolKey(InetAddress ip, int port, BackendProtocol protocol, @Nullable BackendTls backendTls) {
    static PoolKey of(Endpoint e, BackendProtocol protocol) {
        return new PoolKey(e.ip(), e.port(), protocol, null);
    }

    static PoolKey of(Endpoint e, HttpCluster cluster) {
        return new PoolKey(e.ip(), e.port(), cluster.protocol(), cluster.tls());
    }

    boolean tls() {
        return protocol == BackendProtocol.HTTPS || protocol == BackendProtocol.GRPCS;
    }

    boolean http2() {
        return protocol == BackendProtocol.GRPC || protocol == BackendProtocol.GRPCS;
    }
}
