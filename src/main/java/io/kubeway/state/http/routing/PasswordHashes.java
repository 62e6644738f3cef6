package io.kubeway.state.http.routing;

import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.commons.codec.digest.UnixCrypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Checks a password against an htpasswd hash, with the formats nginx's {@code auth_basic} accepts on
 * ingress-nginx's image (nginx's own {@code $apr1$}, {@code {PLAIN}}, {@code {SHA}}, {@code {SSHA}}, and musl's
 * {@code crypt()}: bcrypt {@code $2a$}/{@code $2b$}/{@code $2y$}, MD5 {@code $1$}, SHA-256 {@code $5$}, SHA-512
 * {@code $6$} and traditional DES). bcrypt is BouncyCastle's, the crypt family commons-codec's. Comparisons are
 * constant-time; malformed hashes never match and never throw.
 */
public final class PasswordHashes {
    private static final Pattern DES = Pattern.compile("[./0-9A-Za-z]{13}");
    private static final Pattern BCRYPT_COST = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$.*", Pattern.DOTALL);
    private static final Pattern SHA_ROUNDS = Pattern.compile("\\$[56]\\$rounds=(\\d{1,10})\\$.*", Pattern.DOTALL);
    /**
     * The highest bcrypt cost checked (about 0.25 s of one core per check; htpasswd's default is 5). Costly checks
     * run on the HTTP engine's bounded password-check threads, not on an event loop; a higher cost would still let
     * wrong passwords burn those threads, so such a user is always refused (reported at translation).
     */
    public static final int MAX_BCRYPT_COST = 12;
    /** The most {@code $5$}/{@code $6$} rounds checked (htpasswd's default is 5,000); more: refused, as above. */
    public static final int MAX_SHA_CRYPT_ROUNDS = 100_000;

    private PasswordHashes() {
    }

    /** Whether {@code hash} is in a format {@link #matches} can check (for a translation-time warning). */
    public static boolean supported(String hash) {
        return withinCost(hash) && (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")
                || hash.startsWith("$apr1$") || hash.startsWith("$1$") || hash.startsWith("$5$")
                || hash.startsWith("$6$") || hash.startsWith("{SHA}") || hash.startsWith("{SSHA}")
                || hash.startsWith("{PLAIN}") || DES.matcher(hash).matches());
    }

    /** Whether the hash's work factor is within {@link #MAX_BCRYPT_COST} and {@link #MAX_SHA_CRYPT_ROUNDS}. */
    static boolean withinCost(String hash) {
        var bcrypt = BCRYPT_COST.matcher(hash);
        if (bcrypt.matches()) return Integer.parseInt(bcrypt.group(1)) <= MAX_BCRYPT_COST;
        var sha = SHA_ROUNDS.matcher(hash);
        if (sha.matches()) return Long.parseLong(sha.group(1)) <= MAX_SHA_CRYPT_ROUNDS;
        return true;
    }

    /**
     * Whether checking {@code hash} costs enough CPU to leave the event loop (bcrypt, SHA-crypt); the others (MD5
     * crypt, SHA-1, DES, plain) take microseconds.
     */
    static boolean costly(String hash) {
        return hash.startsWith("$2") || hash.startsWith("$5$") || hash.startsWith("$6$");
    }

    /** Whether {@code password} (the raw bytes the client sent) matches {@code hash}. */
    public static boolean matches(String hash, byte[] password) {
        if (!withinCost(hash)) return false;
        try {
            if (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")) {
                // OpenBSDBCrypt rejects passwords over 72 bytes; bcrypt only ever reads 72 (as crypt() does).
                byte[] p = password.length > 72 ? Arrays.copyOf(password, 72) : password;
                return OpenBSDBCrypt.checkPassword(hash, p);
            }
            if (hash.startsWith("$apr1$")) return same(Md5Crypt.apr1Crypt(password, hash), hash);
            if (hash.startsWith("$1$")) return same(Md5Crypt.md5Crypt(password, hash), hash);
            if (hash.startsWith("$5$")) return same(Sha2Crypt.sha256Crypt(password, hash), hash);
            if (hash.startsWith("$6$")) return same(Sha2Crypt.sha512Crypt(password, hash), hash);
            if (hash.startsWith("{PLAIN}")) return same(password, hash.substring(7).getBytes(StandardCharsets.UTF_8));
            if (hash.startsWith("{SHA}")) {
                return same(sha1(password, new byte[0]), Base64.getDecoder().decode(hash.substring(5)));
            }
            if (hash.startsWith("{SSHA}")) {
                byte[] d = Base64.getDecoder().decode(hash.substring(6));
                if (d.length <= 20) return false;
                byte[] salt = Arrays.copyOfRange(d, 20, d.length);
                return same(sha1(password, salt), Arrays.copyOf(d, 20));
            }
            if (DES.matcher(hash).matches()) return same(UnixCrypt.crypt(password, hash), hash);
            return false;
        } catch (RuntimeException e) { // a malformed hash (bad salt, base64, cost): no match
            return false;
        }
    }

    private static byte[] sha1(byte[] password, byte[] salt) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-1");
            d.update(password);
            d.update(salt);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean same(String computed, String hash) {
        return same(computed.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
