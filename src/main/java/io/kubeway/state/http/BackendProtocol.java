package io.kubeway.state.http;

/** How the proxy talks to a backend (ingress-nginx's {@code backend-protocol}). */
public enum BackendProtocol {
    /** HTTP/1.1 over TCP. */
    HTTP,
    /** HTTP/1.1 over TLS. */
    HTTPS,
    /** HTTP/2 cleartext (prior knowledge), for gRPC. */
    GRPC,
    /** HTTP/2 over TLS, for gRPC. */
    GRPCS
}
