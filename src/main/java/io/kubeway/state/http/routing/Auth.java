package io.kubeway.state.http.routing;

import io.kubeway.state.http.ExternalAuth;
import org.jspecify.annotations.Nullable;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A route's authentication (ingress-nginx's {@code auth-*} annotations that Kubeway honours).
 *
 * @param basic      HTTP basic authentication against htpasswd users, or null
 * @param external   {@code auth-url}: a subrequest to an auth service, done by the HTTP engine, or null
 * @param satisfyAny ingress-nginx's {@code satisfy: any}: a client the source ranges allow needs no credentials
 *                   (nginx's {@code satisfy any}); without source ranges credentials are always required
 */
public record Auth(@Nullable Basic basic, @Nullable ExternalAuth external, boolean satisfyAny) {
    /**
     * {@code auth-type: basic}: nginx's {@code auth_basic} with an htpasswd file.
     *
     * @param realm the realm sent in {@code WWW-Authenticate} ({@code auth-realm}, empty by default as in
     *              ingress-nginx)
     * @param users user to password hash, the first line of each user (nginx stops at the first matching line);
     *              see {@link PasswordHashes} for the formats
     */
    public record Basic(String realm, Map<String, String> users) {
        public Basic {
            requireNonNull(realm, "realm");
            users = Map.copyOf(users);
            if (realm.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
                throw new IllegalArgumentException("realm must not hold control characters, quotes or backslashes");
            }
        }

        @Override
        public String toString() {
            return "Basic[realm=" + realm + ", users=" + users.keySet() + "]"; // never the hashes
        }
    }
}
