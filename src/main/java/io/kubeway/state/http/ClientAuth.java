package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * A host's client-certificate authentication (ingress-nginx's {@code auth-tls-*} annotations, which configure the
 * whole nginx {@code server}): the handshake for the host's server name asks for a certificate, it is verified
 * against the CA bundle, and each request is answered by {@link #verify} mode.
 *
 * @param secret          {@code ns/name} of the Secret with {@code ca.crt} (and {@code ca.crl}), for messages
 * @param caPem           the CA bundle, PEM certificates (already checked to parse)
 * @param crlPem          the CRLs, PEM, or null: revocation is then not checked
 * @param verify          ingress-nginx's {@code auth-tls-verify-client}
 * @param depth           the most intermediate CA certificates between the client's certificate and a root of
 *                        the bundle ({@code auth-tls-verify-depth}, nginx's {@code ssl_verify_depth})
 * @param errorPage       where a request without a valid certificate is redirected (302) instead of 400, or null
 * @param passCertificate send the certificate upstream in {@code ssl-client-cert}
 * @param matchCn         a regular expression the subject DN must contain ({@code auth-tls-match-cn}), or null
 */
public record ClientAuth(String secret, String caPem, @Nullable String crlPem, Verify verify, int depth,
                         @Nullable String errorPage, boolean passCertificate, @Nullable String matchCn) {
    /** nginx's {@code ssl_verify_client}. */
    public enum Verify {
        /** A valid certificate is required. */
        ON,
        /** Asked for; a request without one passes ({@code NONE}), an invalid one does not. */
        OPTIONAL,
        /** Asked for; one from an unknown issuer passes too ({@code FAILED:...}). */
        OPTIONAL_NO_CA,
        /** Never asked for; the headers still say {@code NONE}. */
        OFF;

        /** The annotation's value. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ClientAuth {
        requireNonNull(secret, "secret");
        requireNonNull(caPem, "caPem");
        requireNonNull(verify, "verify");
        if (depth < 0) throw new IllegalArgumentException("depth " + depth);
    }

    /**
     * Asks for nothing: in an SNI table, a host of its own without client authentication under a wildcard host that
     * has it ({@code a.foo.com} under {@code *.foo.com}).
     */
    public static final ClientAuth NONE = new ClientAuth("-", "", null, Verify.OFF, 1, null, false, null);

    /** Whether a connection verified under {@code other} was verified exactly as this policy would verify it. */
    public boolean verifiesLike(@Nullable ClientAuth other) {
        return other == this || other != null && verify == other.verify && depth == other.depth
                && caPem.equals(other.caPem) && Objects.equals(crlPem, other.crlPem);
    }

    @Override
    public String toString() {
        return "ClientAuth[" + secret + " verify=" + verify.value() + " depth=" + depth
                + (crlPem == null ? "" : " crl") + (errorPage == null ? "" : " error-page=" + errorPage)
                + (passCertificate ? " pass-certificate" : "") + (matchCn == null ? "" : " match-cn=" + matchCn) + "]";
    }
}
