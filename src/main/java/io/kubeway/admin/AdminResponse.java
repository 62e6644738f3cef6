package io.kubeway.admin;

import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One HTTP answer of the admin API, computed without touching the socket so routing can be tested as a function.
 *
 * @param status      HTTP status code
 * @param contentType value of the {@code Content-Type} header
 * @param body        UTF-8 body text
 * @param headers     extra response headers (for example {@code Allow} on a 405)
 */
record AdminResponse(int status, String contentType, String body, Map<String, String> headers) {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    /** The Prometheus text exposition format that {@code PrometheusMeterRegistry.scrape()} produces. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    AdminResponse {
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    static AdminResponse text(int status, String body) {
        return new AdminResponse(status, TEXT, body, Map.of());
    }

    static AdminResponse json(int status, String body) {
        return new AdminResponse(status, JSON, body, Map.of());
    }

    AdminResponse withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new AdminResponse(status, contentType, body, more);
    }
}
