package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.BackendTls;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.tls.Pem;
import org.jspecify.annotations.Nullable;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ingress-nginx's backend TLS annotations ({@code proxy-ssl-*}, nginx's {@code proxy_ssl_*}) for HTTPS and GRPCS
 * backends: {@code proxy-ssl-secret} ({@code ns/name}, or a name in the Ingress's namespace: {@code tls.crt} and
 * {@code tls.key} as the client certificate, {@code ca.crt} as the trusted CAs), {@code proxy-ssl-verify}
 * ({@code on}/{@code off}, default off), {@code proxy-ssl-verify-depth} (default 1), {@code proxy-ssl-name} (the
 * name verified and sent; default {@code svc.ns.svc}, where nginx would use its upstream's internal name),
 * {@code proxy-ssl-server-name} (SNI, default off), {@code proxy-ssl-protocols} (of {@code TLSv1.2} and
 * {@code TLSv1.3}; older ones are reported and left out).
 *
 * <p>Fail closed: verification that cannot be set up (a missing or broken Secret, no {@code ca.crt}) closes the
 * Ingress's routes (503 and an event) rather than connecting unverified; a Secret that cannot be read closes them
 * too (its client certificate could not be presented). {@code proxy-ssl-ciphers} (an OpenSSL cipher expression) is
 * not supported: reported, the default ciphers are used.
 */
final class BackendTlsAnnotations {
    static final Set<String> NAMES = Set.of("proxy-ssl-secret", "proxy-ssl-verify", "proxy-ssl-verify-depth",
            "proxy-ssl-name", "proxy-ssl-server-name", "proxy-ssl-protocols");
    private static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    private static final Set<String> OLD_PROTOCOLS = Set.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1");

    private BackendTlsAnnotations() {
    }

    /**
     * The backend TLS settings (null when none of the annotations is set); a setting that cannot be honoured sets
     * {@code p}'s {@code denied}. The name is left empty for {@link BackendResolver} to default per Service.
     */
    static @Nullable BackendTls parse(AnnotationReader r, String namespace, Map<NamespacedName, Secret> secrets,
                                      BackendProtocol protocol, RoutePolicy.Builder p) {
        if (NAMES.stream().noneMatch(r::has)) return null;
        if (protocol != BackendProtocol.HTTPS && protocol != BackendProtocol.GRPCS) {
            r.warn(AnnotationReader.INVALID, "annotations proxy-ssl-* have no effect without backend-protocol HTTPS "
                    + "or GRPCS; ignored");
            return null;
        }
        boolean verify = onOff(r, "proxy-ssl-verify");
        boolean sni = onOff(r, "proxy-ssl-server-name");
        Long depth = r.integer("proxy-ssl-verify-depth", 0, 100);
        String name = r.text("proxy-ssl-name");
        if (name != null && !name.matches("[A-Za-z0-9*]([A-Za-z0-9\\-.]*[A-Za-z0-9])?")) {
            r.invalid("proxy-ssl-name", name, "not a host name");
            name = null;
        }
        List<String> protocols = protocols(r);
        String secretRef = r.string("proxy-ssl-secret");
        String ca = null;
        TlsCertificate client = null;
        String secretName = null;
        if (secretRef != null) {
            NamespacedName nn = ref(secretRef, namespace);
            secretName = nn == null ? secretRef : nn.toString();
            Secret s = nn == null ? null : secrets.get(nn);
            String what = "annotation " + r.key("proxy-ssl-secret") + ": secret " + secretName;
            if (s == null) {
                close(r, p, "SecretNotFound", what + (nn == null ? " is not a name or ns/name" : " not found"));
                return null;
            }
            try {
                byte[] caBytes = TlsSecrets.value(s, "ca.crt");
                if (caBytes != null) ca = certificates(new String(caBytes, StandardCharsets.US_ASCII));
                if (TlsSecrets.value(s, "tls.crt") != null || TlsSecrets.value(s, "tls.key") != null) {
                    TlsSecrets.Result parsed = TlsSecrets.parse(s);
                    if (parsed instanceof TlsSecrets.Result.Invalid bad) {
                        close(r, p, "InvalidSecret", what + ": " + bad.message());
                        return null;
                    }
                    client = ((TlsSecrets.Result.Ok) parsed).certificate();
                }
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                close(r, p, "InvalidSecret", what + ": " + e.getMessage());
                return null;
            }
        }
        if (verify && ca == null) {
            close(r, p, "InvalidSecret", "annotation " + r.key("proxy-ssl-verify") + ": on needs a "
                    + "proxy-ssl-secret with \"ca.crt\" to verify against");
            return null;
        }
        return new BackendTls(secretName, ca, client == null ? null : client.certChainPem(),
                client == null ? null : client.privateKeyPem(), verify, depth == null ? 1 : depth.intValue(),
                name == null ? "" : name, sni, protocols);
    }

    private static void close(AnnotationReader r, RoutePolicy.Builder p, String reason, String message) {
        r.warn(reason, message + "; this Ingress's routes answer 503 (fail closed)");
        p.denied("proxy-ssl-*: " + message);
    }

    private static boolean onOff(AnnotationReader r, String name) {
        String v = r.string(name);
        if (v == null) return false;
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> {
                r.invalid(name, v, "must be \"on\" or \"off\"");
                yield false;
            }
        };
    }

    private static List<String> protocols(AnnotationReader r) {
        String v = r.string("proxy-ssl-protocols");
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String p : v.split("\\s+")) {
            if (PROTOCOLS.contains(p)) {
                if (!out.contains(p)) out.add(p);
            } else if (OLD_PROTOCOLS.contains(p)) {
                r.warn(AnnotationReader.UNSUPPORTED, "annotation " + r.key("proxy-ssl-protocols") + ": " + p
                        + " is not spoken by kubeway (TLSv1.2 and TLSv1.3 only); left out");
            } else if (!p.isEmpty()) {
                r.invalid("proxy-ssl-protocols", p, "not a TLS protocol name");
            }
        }
        return out;
    }

    private static @Nullable NamespacedName ref(String v, String namespace) {
        String[] parts = v.split("/", -1);
        if (parts.length == 1 && !parts[0].isEmpty()) return new NamespacedName(namespace, parts[0]);
        if (parts.length == 2 && !parts[1].isEmpty()) {
            return new NamespacedName(parts[0].isEmpty() ? namespace : parts[0], parts[1]);
        }
        return null;
    }

    /** The certificates of a PEM bundle, re-encoded; throws when there is none or one does not parse. */
    private static String certificates(String pem) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        StringBuilder out = new StringBuilder();
        for (Pem.Block b : Pem.blocks(pem)) {
            if (!b.label().equals("CERTIFICATE")) continue;
            X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der()));
            out.append(Pem.encode("CERTIFICATE", c.getEncoded()));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("ca.crt holds no PEM certificate");
        return out.toString();
    }
}
