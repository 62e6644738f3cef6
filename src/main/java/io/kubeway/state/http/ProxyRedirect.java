package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * nginx's {@code proxy_redirect from to} (ingress-nginx's {@code proxy-redirect-from} / {@code -to}): a backend's
 * {@code Location} header that starts with {@code from} (case-sensitive, as nginx compares) gets that prefix
 * replaced by {@code to}; in a {@code Refresh} header the same applies to the URL after {@code url=}. Other values
 * pass unchanged.
 */
public record ProxyRedirect(String from, String to) {
    public ProxyRedirect {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (from.isEmpty()) throw new IllegalArgumentException("empty from");
    }

    /** The rewritten {@code Location} value, or null when it does not start with {@code from}. */
    public @Nullable String location(String value) {
        return value.startsWith(from) ? to + value.substring(from.length()) : null;
    }

    /** The rewritten {@code Refresh} value ({@code 5; url=...}), or null when its URL does not start with {@code from}. */
    public @Nullable String refresh(String value) {
        int at = value.toLowerCase(Locale.ROOT).indexOf("url=");
        if (at < 0) return null;
        int start = at + 4;
        return value.startsWith(from, start) ? value.substring(0, start) + to + value.substring(start + from.length())
                : null;
    }
}
