package io.kubeway.dataplane.http;

import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * What is known about one finished request, for the access log and the meters.
 *
 * @param status          what the client got (499: the client went away first, as nginx logs it)
 * @param upstreamStatus  what the backend answered, or 0 if it did not
 * @param requestBytes    request body bytes received
 * @param responseBytes   response body bytes sent
 * @param nanos           from the request head to the end of the response
 * @param upstreamNanos   from the backend connection being ready to the end of its response, or -1
 */
record RequestRecord(Instant start, String clientIp, String method, String uri, String protocol, String host,
                     @Nullable String referer, @Nullable String userAgent, String requestId, String ingress,
                     String routeHost, String routePath, @Nullable String upstreamName, @Nullable String upstreamAddr,
                     int status, int upstreamStatus, long requestBytes, long responseBytes, long nanos,
                     long upstreamNanos) {
}
