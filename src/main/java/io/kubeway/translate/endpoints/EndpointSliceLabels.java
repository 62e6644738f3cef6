package io.kubeway.translate.endpoints;

/** The well-known EndpointSlice labels and annotations ({@code k8s.io/api/discovery/v1}, {@code core/v1}). */
public final class EndpointSliceLabels {
    /** The Service a slice belongs to; kube-proxy ignores slices without it. */
    public static final String SERVICE_NAME = "kubernetes.io/service-name";
    /** Which controller or user manages the slice. */
    public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    /** Set (empty value) on slices of headless Services. */
    public static final String HEADLESS = "service.kubernetes.io/headless";
    /** {@code "true"} on a legacy Endpoints object stops the mirroring controller from mirroring it. */
    public static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";

    /** Kubeway's EndpointSlice controller (Kubernetes' own writes {@code endpointslice-controller.k8s.io}). */
    public static final String KUBEWAY_CONTROLLER = "endpointslice-controller.kubeway.io";
    /** The mirroring controller's name, as Kubernetes writes it. */
    public static final String MIRRORING_CONTROLLER = "endpointslicemirroring-controller.k8s.io";

    /** Endpoints objects used as leader-election locks carry this annotation and are never mirrored. */
    static final String LEADER_ELECTION_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
    static final String LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
    static final String LAST_APPLIED_CONFIG = "kubectl.kubernetes.io/last-applied-configuration";

    private EndpointSliceLabels() {
    }
}
