package io.kubeway.dataplane.http;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Private keys of kubernetes.io/tls Secrets come in three PEM flavours: PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, what cert-manager writes by default) and SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes). Netty reads only PKCS#8 without
 * Bouncy Castle, so the other two are wrapped into a PKCS#8 PrivateKeyInfo here (RFC 5208; the EC curve comes
 * from the SEC1 parameters, RFC 5915).
 */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    /** AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** OBJECT IDENTIFIER id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private PemKeys() {
    }

    /**
     * The key as PKCS#8 PEM.
     *
     * @throws IllegalArgumentException if there is no private key block, or it is encrypted or malformed
     */
    static String toPkcs8Pem(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) continue; // e.g. EC PARAMETERS
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("private key: bad base64", e);
            }
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> sequence(VERSION_0, RSA_ALGORITHM, tlv(0x04, der));
                case "EC PRIVATE KEY" -> sequence(VERSION_0, sequence(EC_PUBLIC_KEY, ecCurve(der)), tlv(0x04, der));
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("encrypted private keys are not supported");
                default -> throw new IllegalArgumentException("unsupported private key type " + type);
            };
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n";
        }
        throw new IllegalArgumentException("no PEM private key found");
    }

    /** The namedCurve OID (whole TLV) from the [0] parameters of an RFC 5915 ECPrivateKey. */
    private static byte[] ecCurve(byte[] der) {
        int[] seq = header(der, 0, 0x30);
        int p = seq[0];
        int end = p + seq[1];
        while (p < end) {
            int tag = der[p] & 0xff;
            int[] h = header(der, p, tag);
            if (tag == 0xa0) {
                int[] oid = header(der, h[0], 0x06);
                byte[] out = new byte[oid[0] + oid[1] - h[0]];
                System.arraycopy(der, h[0], out, 0, out.length);
                return out;
            }
            p = h[0] + h[1];
        }
        throw new IllegalArgumentException("EC private key without curve parameters");
    }

    /** {start of content, content length} of the TLV at {@code p}, which must have {@code tag}. */
    private static int[] header(byte[] der, int p, int tag) {
        if (p + 2 > der.length || (der[p] & 0xff) != tag) throw new IllegalArgumentException("malformed EC private key");
        int len = der[p + 1] & 0xff;
        int q = p + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3 || q + n > der.length) throw new IllegalArgumentException("malformed EC private key");
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (der[q++] & 0xff);
        }
        if (q + len > der.length) throw new IllegalArgumentException("malformed EC private key");
        return new int[]{q, len};
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
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
