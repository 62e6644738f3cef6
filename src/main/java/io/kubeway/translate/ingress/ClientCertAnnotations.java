package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.tls.Pem;
import org.jspecify.annotations.Nullable;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * ingress-nginx's client-certificate annotations ({@code auth-tls-*}) read into a {@link ClientAuth}, with
 * ingress-nginx's validation. Unlike ingress-nginx, which falls back to a default for a bad
 * {@code auth-tls-verify-client} or {@code auth-tls-verify-depth}, every value that does not parse, a missing
 * {@code auth-tls-secret}, a Secret that is missing or has no usable {@code ca.crt} (or a broken {@code ca.crl})
 * fails closed through {@link AccessRestrictions}.
 */
final class ClientCertAnnotations {
    static final List<String> NAMES = List.of("auth-tls-secret", "auth-tls-verify-client", "auth-tls-verify-depth",
            "auth-tls-error-page", "auth-tls-pass-certificate-to-upstream", "auth-tls-match-cn");
    /** ingress-nginx's validation of auth-tls-error-page. */
    private static final Pattern ERROR_PAGE = Pattern.compile("((https?://)?[A-Za-z0-9\\-.]*(:\\d+)?/[A-Za-z0-9\\-.]*)?");
    /** Kubernetes object names. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    /** A bound on auth-tls-verify-depth (OpenSSL's own limit is 100). */
    static final int MAX_DEPTH = 100;

    /** How a value that cannot be honoured is reported (and the routes closed). */
    interface Closer {
        void invalid(String name, String value, String why);

        void close(String reason, String name, String message, String denial);
    }

    private ClientCertAnnotations() {
    }

    /** The Ingress's client authentication, or null (none asked, or closed through {@code closer}). */
    static @Nullable ClientAuth read(AnnotationReader r, String namespace,
                                     Function<NamespacedName, @Nullable Secret> secrets, Closer closer) {
        if (NAMES.stream().noneMatch(r::has)) return null;
        String ref = r.string("auth-tls-secret");
        if (ref == null) {
            for (String name : NAMES) {
                if (r.has(name)) {
                    closer.close(AnnotationReader.INVALID, name, "annotation " + r.key(name) + " has no effect without "
                            + r.key("auth-tls-secret"), "needs auth-tls-secret");
                }
            }
            return null;
        }
        boolean ok = true;
        ClientAuth.Verify verify = ClientAuth.Verify.ON;
        String v = r.string("auth-tls-verify-client");
        if (v != null) {
            switch (v) {
                case "on" -> verify = ClientAuth.Verify.ON;
                case "off" -> verify = ClientAuth.Verify.OFF;
                case "optional" -> verify = ClientAuth.Verify.OPTIONAL;
                case "optional_no_ca" -> verify = ClientAuth.Verify.OPTIONAL_NO_CA;
                default -> {
                    closer.invalid("auth-tls-verify-client", v, "must be on, off, optional or optional_no_ca");
                    ok = false;
                }
            }
        }
        int depth = 1;
        String d = r.string("auth-tls-verify-depth");
        if (d != null) {
            try {
                depth = Integer.parseInt(d);
                if (depth < 0 || depth > MAX_DEPTH) throw new NumberFormatException();
                if (depth == 0) depth = 1; // as ingress-nginx
            } catch (NumberFormatException e) {
                closer.invalid("auth-tls-verify-depth", d, "must be an integer from 0 to " + MAX_DEPTH);
                ok = false;
            }
        }
        String errorPage = r.string("auth-tls-error-page");
        if (errorPage != null && (errorPage.isEmpty() || !ERROR_PAGE.matcher(errorPage.replace(" ", "")).matches())) {
            closer.invalid("auth-tls-error-page", errorPage, "must be a URL such as https://example.com/denied");
            ok = false;
        }
        String pass = r.string("auth-tls-pass-certificate-to-upstream");
        boolean passCertificate = false;
        if (pass != null) {
            switch (pass) {
                case "1", "t", "T", "TRUE", "true", "True" -> passCertificate = true;
                case "0", "f", "F", "FALSE", "false", "False" -> passCertificate = false;
                default -> {
                    closer.invalid("auth-tls-pass-certificate-to-upstream", pass, "must be \"true\" or \"false\"");
                    ok = false;
                }
            }
        }
        String matchCn = r.string("auth-tls-match-cn");
        if (matchCn != null) {
            String why = null;
            if (!matchCn.startsWith("CN=")) {
                why = "must start with CN=";
            } else {
                try {
                    Pattern.compile(matchCn);
                } catch (PatternSyntaxException e) {
                    why = "invalid regular expression: " + e.getDescription();
                }
            }
            if (why != null) {
                closer.invalid("auth-tls-match-cn", matchCn, why);
                ok = false;
            }
        }
        Ca ca = ca(r, ref, namespace, secrets, closer);
        if (!ok || ca == null) return null;
        return new ClientAuth(ca.name, ca.certificates, ca.crls, verify, depth, errorPage, passCertificate, matchCn);
    }

    private record Ca(String name, String certificates, @Nullable String crls) {
    }

    /** The Secret's CA bundle (normalised PEM) and CRLs, or null (reported). */
    private static @Nullable Ca ca(AnnotationReader r, String ref, String namespace,
                                   Function<NamespacedName, @Nullable Secret> secrets, Closer closer) {
        int slash = ref.indexOf('/');
        String ns = slash < 0 ? null : slash == 0 ? namespace : ref.substring(0, slash);
        String name = slash < 0 ? null : ref.substring(slash + 1);
        if (ns == null || !NAME.matcher(ns).matches() || !NAME.matcher(name).matches()) {
            closer.invalid("auth-tls-secret", ref, "must be namespace/name");
            return null;
        }
        NamespacedName nn = new NamespacedName(ns, name);
        Secret s = secrets.apply(nn);
        String what = "annotation " + r.key("auth-tls-secret") + ": secret " + nn;
        if (s == null) {
            closer.close("SecretNotFound", "auth-tls-secret", what + " not found", "secret not found");
            return null;
        }
        try {
            byte[] crt = value(s, "ca.crt");
            if (crt == null) {
                closer.close("InvalidSecret", "auth-tls-secret", what + " has no \"ca.crt\" key", "no ca.crt");
                return null;
            }
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            StringBuilder pem = new StringBuilder();
            for (Pem.Block b : Pem.blocks(new String(crt, StandardCharsets.US_ASCII))) {
                if (!b.label().equals("CERTIFICATE")) continue;
                X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der()));
                pem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
            }
            if (pem.isEmpty()) throw new IllegalArgumentException("ca.crt holds no PEM certificate");
            byte[] crl = value(s, "ca.crl");
            String crls = null;
            if (crl != null) {
                StringBuilder out = new StringBuilder();
                for (Pem.Block b : Pem.blocks(new String(crl, StandardCharsets.US_ASCII))) {
                    if (!b.label().equals("X509 CRL")) continue;
                    X509CRL c = (X509CRL) cf.generateCRL(new ByteArrayInputStream(b.der()));
                    out.append(Pem.encode("X509 CRL", c.getEncoded()));
                }
                if (out.isEmpty()) throw new IllegalArgumentException("ca.crl holds no PEM CRL");
                crls = out.toString();
            }
            return new Ca(nn.toString(), pem.toString(), crls);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            closer.close("InvalidSecret", "auth-tls-secret", what + ": " + e.getMessage(), "invalid secret");
            return null;
        }
    }

    /** A key of {@code data} (base64) or {@code stringData} (which wins), as {@link TlsSecrets} reads them. */
    private static byte @Nullable [] value(Secret s, String key) {
        Map<String, String> stringData = s.getStringData();
        if (stringData != null && stringData.get(key) != null) return stringData.get(key).getBytes(StandardCharsets.UTF_8);
        Map<String, String> data = s.getData();
        if (data == null || data.get(key) == null) return null;
        try {
            return Base64.getDecoder().decode(data.get(key).replace("\r", "").replace("\n", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("broken base64 in \"" + key + "\"");
        }
    }
}
