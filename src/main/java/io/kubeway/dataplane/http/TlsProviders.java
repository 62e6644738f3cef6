package io.kubeway.dataplane.http;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** BoringSSL through netty-tcnative when it loads (faster handshakes and records), else the JDK's TLS. */
final class TlsProviders {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsProviders() {
    }

    static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
