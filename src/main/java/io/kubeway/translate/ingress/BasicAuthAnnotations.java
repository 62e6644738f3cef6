package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.routing.Auth;
import io.kubeway.state.http.routing.PasswordHashes;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * ingress-nginx's basic authentication annotations ({@code internal/ingress/annotations/auth}): {@code auth-type:
 * basic}, {@code auth-secret} ({@code name} in the Ingress's namespace, or {@code namespace/name}),
 * {@code auth-secret-type} ({@code auth-file}: an htpasswd file under the key {@code auth}, the default;
 * {@code auth-map}: one key per user, its value the hash) and {@code auth-realm}. Everything ingress-nginx denies
 * the location for (an invalid type, no or a missing Secret, a Secret without {@code auth}) closes the routes
 * through {@link AccessRestrictions}; so does {@code auth-type: digest}, which Kubeway does not implement. Without
 * {@code auth-type} the other three have no effect, as in ingress-nginx, and are reported.
 */
final class BasicAuthAnnotations {
    static final Set<String> NAMES = Set.of("auth-type", "auth-secret", "auth-secret-type", "auth-realm");
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private BasicAuthAnnotations() {
    }

    /** The basic authentication, or null when none is asked for or it cannot be honoured (then {@code a} closes). */
    static Auth.@Nullable Basic parse(AnnotationReader r, String namespace, Map<NamespacedName, Secret> secrets,
                                      AccessRestrictions a) {
        String type = r.string("auth-type");
        if (type == null) {
            for (String name : new TreeSet<>(NAMES)) {
                if (r.has(name)) {
                    r.warn(AnnotationReader.INVALID, "annotation " + r.key(name) + " has no effect without "
                            + r.key("auth-type") + "; ignored");
                }
            }
            return null;
        }
        if (type.equals("digest")) {
            a.close(AnnotationReader.UNSUPPORTED, "auth-type", "annotation " + r.key("auth-type") + ": digest "
                    + "authentication is not supported by kubeway", "digest not supported");
            return null;
        }
        if (!type.equals("basic")) {
            a.invalid("auth-type", type, "must be \"basic\" or \"digest\"");
            return null;
        }
        String secretType = r.string("auth-secret-type");
        if (secretType == null) secretType = "auth-file";
        if (!secretType.equals("auth-file") && !secretType.equals("auth-map")) {
            a.invalid("auth-secret-type", secretType, "must be \"auth-file\" or \"auth-map\"");
            return null;
        }
        String realm = r.string("auth-realm");
        if (realm == null) realm = "";
        if (realm.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
            a.invalid("auth-realm", realm, "must not contain control characters, quotes or backslashes");
            return null;
        }
        NamespacedName ref = secretRef(r, namespace, a);
        if (ref == null) return null;
        Secret secret = secrets.get(ref);
        if (secret == null) {
            a.close(AnnotationReader.INVALID, "auth-secret", "annotation " + r.key("auth-secret") + ": secret " + ref
                    + " does not exist", "secret " + ref + " not found");
            return null;
        }
        Map<String, String> users = new LinkedHashMap<>();
        try {
            if (secretType.equals("auth-file")) {
                byte[] file = TlsSecrets.value(secret, "auth");
                if (file == null) {
                    a.close(AnnotationReader.INVALID, "auth-secret", "annotation " + r.key("auth-secret")
                            + ": secret " + ref + " has no \"auth\" key", "secret " + ref + " has no \"auth\" key");
                    return null;
                }
                htpasswd(new String(file, StandardCharsets.UTF_8), users);
            } else {
                for (String user : new TreeSet<>(keys(secret))) {
                    byte[] hash = TlsSecrets.value(secret, user);
                    if (hash != null) users.putIfAbsent(user, new String(hash, StandardCharsets.UTF_8).strip());
                }
            }
        } catch (IllegalArgumentException e) { // broken base64
            a.close(AnnotationReader.INVALID, "auth-secret", "annotation " + r.key("auth-secret") + ": secret " + ref
                    + ": " + e.getMessage(), "secret " + ref + " unreadable");
            return null;
        }
        users.forEach((user, hash) -> {
            if (!PasswordHashes.supported(hash)) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key("auth-secret") + ": secret " + ref + ": the "
                        + "password hash of user \"" + user + "\" is in a format kubeway cannot check (bcrypt up to "
                        + "cost " + PasswordHashes.MAX_BCRYPT_COST + ", $apr1$, $1$, $5$ and $6$ up to "
                        + PasswordHashes.MAX_SHA_CRYPT_ROUNDS + " rounds, {SHA}, {SSHA}, {PLAIN} or DES crypt); "
                        + "that user is always refused");
            }
        });
        if (users.isEmpty()) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("auth-secret") + ": secret " + ref + " names no "
                    + "user; every request gets 401");
        }
        return new Auth.Basic(realm, users);
    }

    private static @Nullable NamespacedName secretRef(AnnotationReader r, String namespace, AccessRestrictions a) {
        String v = r.string("auth-secret");
        if (v == null || v.isEmpty()) {
            a.close(AnnotationReader.INVALID, "auth-secret", "annotation " + r.key("auth-type") + " needs "
                    + r.key("auth-secret"), "no auth-secret");
            return null;
        }
        String[] parts = v.split("/", -1);
        NamespacedName ref = parts.length == 1 ? new NamespacedName(namespace, parts[0])
                : parts.length == 2 ? new NamespacedName(parts[0].isEmpty() ? namespace : parts[0], parts[1]) : null;
        if (ref == null || !DNS_NAME.matcher(ref.namespace()).matches() || !DNS_NAME.matcher(ref.name()).matches()) {
            a.invalid("auth-secret", v, "must be a Secret name or namespace/name");
            return null;
        }
        return ref;
    }

    /**
     * An htpasswd file as nginx reads it: {@code user:hash} lines (the hash ends at the line's end or the next
     * colon), {@code #} comments, blank lines skipped; the first line of a user wins.
     */
    static void htpasswd(String file, Map<String, String> users) {
        for (String raw : file.split("\n")) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isEmpty() || line.startsWith("#")) continue;
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            int end = line.indexOf(':', colon + 1);
            String hash = end < 0 ? line.substring(colon + 1) : line.substring(colon + 1, end);
            users.putIfAbsent(line.substring(0, colon), hash);
        }
    }

    private static Set<String> keys(Secret s) {
        Set<String> keys = new TreeSet<>();
        if (s.getData() != null) keys.addAll(s.getData().keySet());
        if (s.getStringData() != null) keys.addAll(s.getStringData().keySet());
        return keys;
    }
}
