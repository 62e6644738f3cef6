package io.kubeway.state.http.routing;

import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.ClientCertificate;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision.Respond;
import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A host's client-certificate rules, as nginx applies {@code ssl_verify_client} and ingress-nginx its
 * {@code auth-tls-*} annotations to a server:
 * <ol>
 *   <li>the handshake was for another server name than the request's host (SNI {@code a}, Host {@code b}):
 *       {@code 421 Misdirected Request}, as nginx answers when the host verifies clients. The same when the host's
 *       CA, CRL, depth or mode changed since the connection's handshake: the client retries on a new connection,
 *       which is verified by the new rules;</li>
 *   <li>{@code on} without a certificate: 400 "No required SSL certificate was sent"; a certificate that does not
 *       verify (for {@code on} and {@code optional}; for {@code optional_no_ca} only when the reason is not an
 *       unknown issuer): 400 "The SSL certificate error". Both are a 302 to {@code auth-tls-error-page} when set
 *       (nginx's {@code error_page 495 496 = url});</li>
 *   <li>{@code auth-tls-match-cn}: a subject DN the expression is not found in gets 403 "client certificate
 *       unauthorized";</li>
 *   <li>forwarded requests carry {@code ssl-client-verify}, {@code ssl-client-subject-dn},
 *       {@code ssl-client-issuer-dn} (when not empty) and, with {@code auth-tls-pass-certificate-to-upstream},
 *       {@code ssl-client-cert}; the engine removes any the client sent itself.</li>
 * </ol>
 * Plain HTTP carries no certificate: nginx would forward such a request unchecked; here it is treated as a TLS
 * request without certificate (after the route's HTTPS redirect, so a TLS host still redirects first).
 */
final class ClientCertChecks {
    static final String VERIFY = "ssl-client-verify";
    static final String SUBJECT = "ssl-client-subject-dn";
    static final String ISSUER = "ssl-client-issuer-dn";
    static final String CERT = "ssl-client-cert";

    private final ClientAuth auth;
    private final @Nullable Pattern matchCn;
    private final Respond noCertificate;
    private final Respond badCertificate;
    private final Respond misdirected = new Respond("-", 421, Map.of(), "421 Misdirected Request\n");
    private final Respond unauthorized = new Respond("-", 403, Map.of(), "client certificate unauthorized");

    ClientCertChecks(ClientAuth auth) {
        this.auth = auth;
        this.matchCn = auth.matchCn() == null ? null : Pattern.compile(auth.matchCn());
        this.noCertificate = error("No required SSL certificate was sent");
        this.badCertificate = error("The SSL certificate error");
    }

    private Respond error(String why) {
        if (auth.errorPage() != null) return new Respond("-", 302, Map.of("Location", auth.errorPage()), "");
        return new Respond("-", 400, Map.of(), "400 Bad Request\n" + why + "\n");
    }

    /** A TLS request, before anything else: null when it may go on. {@code host}: its Host without port. */
    @Nullable Respond beforeRouting(RequestView req, String host) {
        ClientCertificate c = req.clientCertificate();
        if (auth.verify() != ClientAuth.Verify.OFF) {
            String sni = req.serverName();
            if (sni != null && !sni.equals(host)) return misdirected;
            if (c != null && !auth.verifiesLike(c.verifiedBy())) return misdirected;
            if (c == null || !c.sent()) {
                if (auth.verify() == ClientAuth.Verify.ON) return noCertificate;
            } else if (!c.valid() && !(auth.verify() == ClientAuth.Verify.OPTIONAL_NO_CA && c.unknownIssuer())) {
                return badCertificate;
            }
        }
        return matchCn(c == null ? "" : c.subjectDn());
    }

    /** A plain HTTP request, once the route has not redirected it to HTTPS. */
    @Nullable Respond plainHttp(RequestView req) {
        if (auth.verify() == ClientAuth.Verify.ON) return noCertificate;
        return matchCn("");
    }

    private @Nullable Respond matchCn(String subjectDn) {
        return matchCn != null && !matchCn.matcher(subjectDn).find() ? unauthorized : null;
    }

    /** The request headers to set: {@code base} and the client certificate's. */
    Map<String, String> headers(RequestView req, Map<String, String> base) {
        ClientCertificate c = req.tls() && auth.verify() != ClientAuth.Verify.OFF ? req.clientCertificate() : null;
        Map<String, String> h = new HashMap<>(base);
        h.put(VERIFY, c == null ? ClientCertificate.NONE : c.verify());
        if (c != null && !c.subjectDn().isEmpty()) h.put(SUBJECT, c.subjectDn());
        if (c != null && !c.issuerDn().isEmpty()) h.put(ISSUER, c.issuerDn());
        if (auth.passCertificate() && c != null && !c.escapedPem().isEmpty()) h.put(CERT, c.escapedPem());
        return h;
    }
}
