package io.kubeway.state.http;

import io.kubeway.state.ListenKey;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The Ingress data plane's desired state: where to listen for HTTP and HTTPS, how to route, and which
 * certificate to present for which server name.
 *
 * @param certificates by SNI name: exact host ({@code foo.com}) or wildcard ({@code *.foo.com}, one label)
 * @param defaultCertificate for unknown names and clients without SNI; null only when there is no HTTPS listener
 * @param clientAuth   by SNI name (exact host or one-label wildcard, as {@code certificates}): the hosts whose
 *                     handshake asks for a client certificate; an entry with {@link ClientAuth.Verify#OFF}
 *                     ({@link ClientAuth#NONE}) asks for none, for an exact host under a wildcard that asks
 * @param passthrough  by exact SNI name: the hosts whose TLS connections on the HTTPS listeners are not terminated
 *                     but relayed as raw TCP to the cluster's endpoints (ingress-nginx's {@code ssl-passthrough});
 *                     empty unless {@code --enable-ssl-passthrough}
 * @param edge         how the listeners take in connections (PROXY protocol, trusted proxies), from the
 *                     controller ConfigMap
 */
public record HttpState(List<ListenKey> http, List<ListenKey> https, Router router,
                        Map<String, TlsCertificate> certificates, TlsCertificate defaultCertificate,
                        Map<String, ClientAuth> clientAuth, Map<String, HttpCluster> passthrough, EdgeSettings edge) {
    /** Nothing to serve. */
    public static final HttpState EMPTY = new HttpState(List.of(), List.of(),
            r -> new RouteDecision.Respond("-", 404, Map.of(), "default backend - 404"), Map.of(), null);

    public HttpState {
        http = List.copyOf(http);
        https = List.copyOf(https);
        requireNonNull(router, "router");
        certificates = Map.copyOf(certificates);
        clientAuth = Map.copyOf(clientAuth);
        passthrough = Map.copyOf(passthrough);
        requireNonNull(edge, "edge");
    }

    /** No TLS passthrough. */
    public HttpState(List<ListenKey> http, List<ListenKey> https, Router router,
                     Map<String, TlsCertificate> certificates, TlsCertificate defaultCertificate,
                     Map<String, ClientAuth> clientAuth, EdgeSettings edge) {
        this(http, https, router, certificates, defaultCertificate, clientAuth, Map.of(), edge);
    }

    /** The command line's edge settings ({@link EdgeSettings#DEFAULT}). */
    public HttpState(List<ListenKey> http, List<ListenKey> https, Router router,
                     Map<String, TlsCertificate> certificates, TlsCertificate defaultCertificate,
                     Map<String, ClientAuth> clientAuth, Map<String, HttpCluster> passthrough) {
        this(http, https, router, certificates, defaultCertificate, clientAuth, passthrough, EdgeSettings.DEFAULT);
    }

    /** No TLS passthrough, the command line's edge settings. */
    public HttpState(List<ListenKey> http, List<ListenKey> https, Router router,
                     Map<String, TlsCertificate> certificates, TlsCertificate defaultCertificate,
                     Map<String, ClientAuth> clientAuth) {
        this(http, https, router, certificates, defaultCertificate, clientAuth, Map.of(), EdgeSettings.DEFAULT);
    }

    /** No client-certificate authentication anywhere. */
    public HttpState(List<ListenKey> http, List<ListenKey> https, Router router,
                     Map<String, TlsCertificate> certificates, TlsCertificate defaultCertificate) {
        this(http, https, router, certificates, defaultCertificate, Map.of());
    }
}
