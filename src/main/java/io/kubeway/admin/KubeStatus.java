package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Error answers shaped like the Kubernetes API server's {@code Status} objects, so clients that understand the
 * API server ({@code kubectl}, fabric8, {@code kubeway get}) can show the same messages.
 */
final class KubeStatus {
    private KubeStatus() {
    }

    /** 404 for a path no route serves, worded as the API server words it. */
    static AdminResponse unknownPath() {
        return failure(404, "NotFound", "the server could not find the requested resource", new StatusDetails());
    }

    /**
     * 404 for a named object that does not exist: {@code services "web" not found}, or for a non-core group
     * {@code endpointslices.discovery.k8s.io "web" not found}.
     */
    static AdminResponse notFound(String group, String plural, String name) {
        String qualified = group.isEmpty() ? plural : plural + "." + group;
        StatusDetails details = new StatusDetailsBuilder().withName(name).withKind(plural)
                .withGroup(group.isEmpty() ? null : group).build();
        return failure(404, "NotFound", qualified + " \"" + name + "\" not found", details);
    }

    /** 405 for anything but GET and HEAD: the admin API is read-only. */
    static AdminResponse methodNotAllowed() {
        return failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
                new StatusDetails()).withHeader("Allow", "GET, HEAD");
    }

    static AdminResponse badRequest(String message) {
        return failure(400, "BadRequest", message, new StatusDetails());
    }

    static AdminResponse internalError(String message) {
        return failure(500, "InternalError", message, new StatusDetails());
    }

    /**
     * 403 for a request whose {@code Host} is not this admin API's (see {@link HostCheck}): the request is
     * understood but refused, and the Status says why, for whoever reads it.
     */
    static AdminResponse forbiddenHost(String host) {
        return failure(403, "Forbidden", (host == null ? "a request without a Host header" : "Host \"" + host + "\"")
                + " is not allowed: the admin API answers only loopback names and addresses and its"
                + " --admin-address (protection against DNS rebinding)");
    }

    static AdminResponse failure(int code, String reason, String message) {
        return failure(code, reason, message, new StatusDetails());
    }

    private static AdminResponse failure(int code, String reason, String message, StatusDetails details) {
        Status status = new StatusBuilder().withNewMetadata().endMetadata().withStatus("Failure")
                .withMessage(message).withReason(reason).withDetails(details).withCode(code).build();
        return AdminResponse.json(code, Serialization.asJson(status));
    }
}
