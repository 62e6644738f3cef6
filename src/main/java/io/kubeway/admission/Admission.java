package io.kubeway.admission;

import io.kubeway.source.ClusterSnapshot;

/**
 * The API server's part of a sync: from the objects a source holds to the Services and EndpointSlices the
 * translation may use. Two implementations: {@link StandaloneAdmission} does what the API server would
 * (defaulting, validation, cluster IP and node port allocation, persisted), {@link ApiServerAdmission} takes
 * what a real API server already decided.
 */
public interface Admission {
    /** Called on the sync thread only, once per sync, with the latest snapshot. Never throws for bad objects. */
    Admitted admit(ClusterSnapshot snapshot);

    /**
     * Whether selector Services get their EndpointSlices derived from Pods here (standalone), rather than taken
     * from the API server's EndpointSlice controller.
     */
    default boolean derivesEndpointSlices() {
        return true;
    }
}
