package io.kubeway.dataplane.http;

import io.kubeway.tls.Pem;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * A client certificate as nginx puts it in variables: {@code $ssl_client_s_dn} / {@code $ssl_client_i_dn}
 * (OpenSSL's {@code X509_NAME_print_ex} with {@code XN_FLAG_RFC2253}: RDNs last to first, OpenSSL's short names,
 * RFC 2253 escapes, bytes of non-ASCII and control characters as {@code \XX}, unknown attributes as
 * {@code OID=#DER-hex}) and {@code $ssl_client_escaped_cert} (the PEM, URL-escaped as nginx's
 * {@code ngx_escape_uri} component mode: everything but {@code A-Z a-z 0-9 - . _ ~} as {@code %XX}). The result is
 * always printable ASCII, so it is a valid header value.
 */
final class ClientCertText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** OpenSSL's short names for the attributes a DN usually has. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"),
            Map.entry("2.5.4.8", "ST"), Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"),
            Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.5", "serialNumber"), Map.entry("2.5.4.4", "SN"),
            Map.entry("2.5.4.42", "GN"), Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.43", "initials"),
            Map.entry("2.5.4.44", "generationQualifier"), Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.65", "pseudonym"), Map.entry("2.5.4.41", "name"), Map.entry("2.5.4.13", "description"),
            Map.entry("2.5.4.15", "businessCategory"), Map.entry("2.5.4.17", "postalCode"),
            Map.entry("2.5.4.97", "organizationIdentifier"), Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("1.2.840.113549.1.9.2", "unstructuredName"), Map.entry("0.9.2342.19200300.100.1.25", "DC"),
            Map.entry("0.9.2342.19200300.100.1.1", "UID"), Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));

    private ClientCertText() {
    }

    /** {@code $ssl_client_s_dn} / {@code $ssl_client_i_dn} of a name. */
    static String dn(X500Principal principal) {
        RDN[] rdns = X500Name.getInstance(principal.getEncoded()).getRDNs();
        StringBuilder sb = new StringBuilder();
        for (int i = rdns.length - 1; i >= 0; i--) {
            if (sb.length() > 0) sb.append(',');
            AttributeTypeAndValue[] avas = rdns[i].getTypesAndValues();
            for (int j = avas.length - 1; j >= 0; j--) { // OpenSSL reverses every entry, those of one RDN too
                if (j < avas.length - 1) sb.append('+');
                ava(sb, avas[j]);
            }
        }
        return sb.toString();
    }

    private static void ava(StringBuilder sb, AttributeTypeAndValue ava) {
        String oid = ava.getType().getId();
        String name = NAMES.get(oid);
        ASN1Encodable value = ava.getValue();
        if (name == null || !(value instanceof ASN1String s)) {
            sb.append(name == null ? oid : name).append("=#");
            try {
                hex(sb, value.toASN1Primitive().getEncoded(ASN1Encoding.DER));
            } catch (IOException e) {
                throw new IllegalStateException(e); // re-encoding a parsed value
            }
            return;
        }
        sb.append(name).append('=');
        byte[] utf8 = s.getString().getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < utf8.length; k++) {
            int b = utf8[k] & 0xff;
            if (b >= 0x80 || b < 0x20 || b == 0x7f) {
                sb.append('\\').append(HEX[b >> 4]).append(HEX[b & 15]);
            } else if (",+\"\\<>;".indexOf(b) >= 0 || (k == 0 && (b == '#' || b == ' '))
                    || (k == utf8.length - 1 && b == ' ')) {
                sb.append('\\').append((char) b);
            } else {
                sb.append((char) b);
            }
        }
    }

    private static void hex(StringBuilder sb, byte[] bytes) {
        for (byte b : bytes) sb.append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
    }

    /** {@code $ssl_client_escaped_cert}: the certificate's PEM, URL-escaped. */
    static String escapedPem(X509Certificate cert) throws CertificateEncodingException {
        String pem = Pem.encode("CERTIFICATE", cert.getEncoded());
        StringBuilder sb = new StringBuilder(pem.length() + 64);
        for (int i = 0; i < pem.length(); i++) {
            char c = pem.charAt(i);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return sb.toString();
    }
}
