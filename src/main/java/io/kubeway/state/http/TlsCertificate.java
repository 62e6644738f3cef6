package io.kubeway.state.http;

import static java.util.Objects.requireNonNull;

/**
 * A certificate chain and its key, PEM, from a kubernetes.io/tls Secret (already checked to parse and to
 * match). Compared by content, so an unchanged Secret means an unchanged certificate.
 *
 * @param name {@code ns/secret}, or {@code default} for the generated default certificate
 */
public record TlsCertificate(String name, String certChainPem, String privateKeyPem) {
    public TlsCertificate {
        requireNonNull(name, "name");
        requireNonNull(certChainPem, "certChainPem");
        requireNonNull(privateKeyPem, "privateKeyPem");
    }

    @Override
    public String toString() {
        return "TlsCertificate[" + name + "]"; // never print the key
    }
}
