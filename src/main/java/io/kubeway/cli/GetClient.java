package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Reads JSON from a running kubeway's admin API. Timeouts are short because the admin API is local and answers
 * from memory: a slow answer means something is wrong, and the user should hear so quickly.
 */
final class GetClient implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final String address;
    private final URI base;
    private final HttpClient http;

    /**
     * @param address {@code HOST:PORT}, e.g. {@code 127.0.0.1:10249} or {@code [::1]:10249}
     * @throws GetException if the address is not {@code HOST:PORT}
     */
    GetClient(String address) throws GetException {
        this.address = requireNonNull(address, "address");
        this.base = parse(address);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /**
     * The body of a 200 answer to {@code GET pathAndQuery}.
     *
     * @throws GetException with kubectl's {@code Error from server (Reason): message} for API errors, or a
     *                      "cannot reach" message when nothing answers
     */
    String get(String pathAndQuery) throws GetException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted", e);
        } catch (IOException e) {
            throw unreachable(describe(e), e);
        }
        if (response.statusCode() == 200) {
            return response.body();
        }
        throw new GetException(errorFromServer(response));
    }

    @Override
    public void close() {
        http.close();
    }

    private GetException unreachable(String why, Exception cause) {
        return new GetException("cannot reach kubeway admin API at " + address + ": " + why
                + " (is `kubeway run` running?)", cause);
    }

    private String errorFromServer(HttpResponse<String> response) {
        try {
            Status status = Serialization.unmarshal(response.body(), Status.class);
            if (status != null && "Status".equals(status.getKind()) && status.getMessage() != null) {
                String reason = status.getReason() == null || status.getReason().isEmpty()
                        ? "HTTP " + response.statusCode() : status.getReason();
                return "Error from server (" + reason + "): " + status.getMessage();
            }
        } catch (RuntimeException notAStatus) {
            // fall through: not an API error body
        }
        return "error: unexpected HTTP " + response.statusCode() + " from kubeway admin API at " + address;
    }

    // the JDK client reports a refused connection as a ConnectException, sometimes wrapped and without a message
    static String describe(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "request timed out";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static URI parse(String address) throws GetException {
        URI uri;
        try {
            uri = URI.create("http://" + address + "/");
        } catch (IllegalArgumentException e) {
            throw invalid(address);
        }
        if (uri.getHost() == null || uri.getPort() < 0 || !"/".equals(uri.getRawPath()) || uri.getRawQuery() != null
                || uri.getRawUserInfo() != null) {
            throw invalid(address);
        }
        return uri;
    }

    private static GetException invalid(String address) {
        return new GetException("error: invalid --admin-address \"" + address
                + "\": expected HOST:PORT, e.g. 127.0.0.1:10249");
    }
}
