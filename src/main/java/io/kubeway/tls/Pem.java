package io.kubeway.tls;

import org.bouncycastle.cert.X509CertificateHolder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM blocks ({@code -----BEGIN LABEL----- base64 -----END LABEL-----}) and the few DER constructs needed to
 * turn the private keys of kubernetes.io/tls Secrets into PKCS#8, the only key form the JDK (and Netty without
 * Bouncy Castle) loads. Keys come in three PEM flavours: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}, what cert-manager writes by default) and SEC1 EC ({@code BEGIN EC PRIVATE
 * KEY}, what {@code openssl ecparam -genkey} writes); the latter two are wrapped into a PKCS#8 PrivateKeyInfo
 * (RFC 5208; the EC curve comes from the SEC1 parameters, RFC 5915).
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** rsaEncryption, 1.2.840.113549.1.1.1. */
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1. */
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    /** One block: its label and decoded content. */
    public record Block(String label, byte[] der) {
    }

    private Pem() {
    }

    /**
     * The blocks in order.
     *
     * @throws IllegalArgumentException when a block's base64 is broken
     */
    public static List<Block> blocks(String text) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("broken base64 in PEM block " + m.group(1));
            }
        }
        return out;
    }

    /** A PEM block with 64-character lines. */
    public static String encode(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    /**
     * The first private key of {@code pem} as PKCS#8 PEM; blocks that are no private key (certificates,
     * {@code EC PARAMETERS}) are skipped without being decoded.
     *
     * @throws IllegalArgumentException if there is no private key block, or it is encrypted or malformed
     */
    public static String toPkcs8Pem(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) continue;
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("private key: bad base64", e);
            }
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> pkcs8FromPkcs1(der);
                case "EC PRIVATE KEY" -> pkcs8FromSec1(der);
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("encrypted private keys are not supported");
                default -> throw new IllegalArgumentException("unsupported private key type " + type);
            };
            return encode("PRIVATE KEY", pkcs8);
        }
        throw new IllegalArgumentException("no PEM private key found");
    }

    /**
     * The {@code CERTIFICATE} blocks of {@code pem}, in order.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static List<X509CertificateHolder> certificates(String pem) {
        List<X509CertificateHolder> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = pem.indexOf("-----BEGIN CERTIFICATE-----", at);
            if (begin < 0) {
                break;
            }
            int end = pem.indexOf("-----END CERTIFICATE-----", begin);
            String b64 = pem.substring(begin + 27, end).replaceAll("\\s", "");
            try {
                out.add(new X509CertificateHolder(Base64.getDecoder().decode(b64)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            at = end + 25;
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no certificate in PEM");
        }
        return out;
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey. */
    public static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        return sequence(VERSION_0, sequence(RSA_OID, NULL), tlv(0x04, pkcs1));
    }

    /**
     * PKCS#8 PrivateKeyInfo around a SEC1 ECPrivateKey, naming the curve from the key's own parameters.
     *
     * @throws IllegalArgumentException when the key is not DER or names no curve
     */
    public static byte[] pkcs8FromSec1(byte[] sec1) {
        Der outer = new Der(sec1, 0);
        if (outer.tag != 0x30) throw new IllegalArgumentException("EC key is not a DER sequence");
        int pos = outer.contentStart;
        while (pos < outer.end) {
            Der element = new Der(sec1, pos);
            if (element.tag == 0xa0) { // [0] ECParameters: the named curve's OID
                Der curve = new Der(sec1, element.contentStart);
                if (curve.tag != 0x06) break;
                byte[] curveOid = Arrays.copyOfRange(sec1, element.contentStart, curve.end);
                return sequence(VERSION_0, sequence(EC_OID, curveOid), tlv(0x04, sec1));
            }
            pos = element.end;
        }
        throw new IllegalArgumentException("EC key does not name its curve");
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) content.writeBytes(p);
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** One DER TLV header read at {@code pos}: tag, where the content starts, where the element ends. */
    private static final class Der {
        final int tag;
        final int contentStart;
        final int end;

        Der(byte[] b, int pos) {
            if (pos + 2 > b.length) throw new IllegalArgumentException("truncated DER");
            tag = b[pos] & 0xff;
            int len = b[pos + 1] & 0xff;
            int p = pos + 2;
            if (len >= 0x80) {
                int count = len & 0x7f;
                if (count == 0 || count > 4 || p + count > b.length) {
                    throw new IllegalArgumentException("bad DER length");
                }
                len = 0;
                for (int i = 0; i < count; i++) len = (len << 8) | (b[p++] & 0xff);
            }
            contentStart = p;
            end = p + len;
            if (len < 0 || end > b.length) throw new IllegalArgumentException("truncated DER");
        }
    }
}
