package io.kubeway.state.http.routing;

import static java.util.Objects.requireNonNull;

/** A fixed redirect answered instead of proxying (permanent-redirect, temporal-redirect). */
public record Redirect(int code, String url) {
    public Redirect {
        requireNonNull(url, "url");
        if (code < 300 || code > 399) throw new IllegalArgumentException("redirect code " + code);
    }
}
