package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;

import java.net.InetAddress;

/** What makes two backend connections interchangeable: the endpoint address and the protocol spoken. */
record PoolKey(InetAddress ip, int port, BackendProtocol protocol) {
    static PoolKey of(Endpoint e, BackendProtocol protocol) {
        return new PoolKey(e.ip(), e.port(), protocol);
    }

    boolean tls() {
        return protocol == BackendProtocol.HTTPS || protocol == BackendProtocol.GRPCS;
    }

    boolean http2() {
        return protocol == BackendProtocol.GRPC || protocol == BackendProtocol.GRPCS;
    }
}
