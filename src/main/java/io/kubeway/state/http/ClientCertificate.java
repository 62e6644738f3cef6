package io.kubeway.state.http;

import static java.util.Objects.requireNonNull;

/**
 * What the TLS handshake of a connection learnt about the client's certificate, for the router: computed once per
 * connection, when its server name asked for a certificate (a {@link ClientAuth} other than {@code off}).
 *
 * @param verifiedBy  the policy of the server name the handshake was for (a request for a host whose policy now
 *                    verifies differently must not trust this result)
 * @param verify      nginx's {@code $ssl_client_verify}: {@code SUCCESS}, {@code FAILED:<reason>} or {@code NONE}
 * @param unknownIssuer the failure is one {@code optional_no_ca} lets pass (no trusted issuer found, self-signed)
 * @param subjectDn   nginx's {@code $ssl_client_s_dn} (RFC 2253, as OpenSSL prints it); empty without certificate
 * @param issuerDn    nginx's {@code $ssl_client_i_dn}; empty without certificate
 * @param escapedPem  nginx's {@code $ssl_client_escaped_cert}: the PEM, URL-escaped; empty without certificate
 */
public record ClientCertificate(ClientAuth verifiedBy, String verify, boolean unknownIssuer, String subjectDn,
                                String issuerDn, String escapedPem) {
    public static final String SUCCESS = "SUCCESS";
    public static final String NONE = "NONE";

    public ClientCertificate {
        requireNonNull(verifiedBy, "verifiedBy");
        requireNonNull(verify, "verify");
        requireNonNull(subjectDn, "subjectDn");
        requireNonNull(issuerDn, "issuerDn");
        requireNonNull(escapedPem, "escapedPem");
    }

    /** No certificate was sent. */
    public static ClientCertificate none(ClientAuth verifiedBy) {
        return new ClientCertificate(verifiedBy, NONE, false, "", "", "");
    }

    public boolean sent() {
        return !verify.equals(NONE);
    }

    public boolean valid() {
        return verify.equals(SUCCESS);
    }
}
