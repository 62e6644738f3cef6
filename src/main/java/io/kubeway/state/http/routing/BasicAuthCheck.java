package io.kubeway.state.http.routing;

import io.kubeway.state.http.PasswordCheck;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision.Respond;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * nginx's {@code auth_basic} for one route: the {@code Authorization: Basic} credentials must name a user of the
 * htpasswd file and match its hash, else 401 with {@code WWW-Authenticate: Basic realm="..."}. As in nginx the
 * {@code Authorization} header is forwarded to the backend unchanged.
 */
final class BasicAuthCheck {
    private final Map<String, String> users;
    private final VerifiedCredentials verified;
    private final Respond unauthorized;

    BasicAuthCheck(String ingress, Auth.Basic basic, VerifiedCredentials verified) {
        this.users = basic.users();
        this.verified = verified;
        this.unauthorized = new Respond(ingress, 401, Map.of("WWW-Authenticate", "Basic realm=\"" + basic.realm()
                + "\""), "401 Authorization Required");
    }

    /** Refused at once: no or malformed credentials, an unknown user, a wrong password for a cheap hash. */
    static final PasswordCheck DENY = () -> false;

    /**
     * The request's credentials judged without a costly hash check on this thread: null when they are good (verified
     * recently, or a cheap hash that matches), {@link #DENY} when they are not, else the costly check to run elsewhere.
     */
    @Nullable PasswordCheck check(RequestView req) {
        byte[] credentials = credentials(req.header("authorization"));
        if (credentials == null) return DENY;
        int colon = indexOf(credentials, (byte) ':');
        if (colon <= 0) return DENY;
        // nginx compares the user name byte for byte; htpasswd user names are read as UTF-8 by the translation.
        String user = new String(credentials, 0, colon, StandardCharsets.UTF_8);
        String hash = users.get(user);
        if (hash == null) return DENY;
        byte[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
        if (verified.cached(user, hash, password)) return null;
        if (!PasswordHashes.costly(hash)) return verified.check(user, hash, password) ? null : DENY;
        return () -> verified.check(user, hash, password);
    }

    Respond unauthorized() {
        return unauthorized;
    }

    /** The decoded {@code user:password} of {@code Basic <base64>} (scheme case-insensitive), or null. */
    static byte @Nullable [] credentials(@Nullable String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        String b64 = header.substring(6).strip();
        if (b64.isEmpty() || b64.length() > 8192) return null;
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) return i;
        }
        return -1;
    }
}
