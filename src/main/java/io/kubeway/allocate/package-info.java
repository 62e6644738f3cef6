/**
 * The allocation step between reading manifests and translating them: it assigns to each Service what
 * a Kubernetes control plane would, so the rest of Kubeway sees Services exactly as the API server would
 * store them.
 *
 * <ul>
 *   <li>{@link io.kubeway.allocate.Allocator} plays the API server's registry for Services: uid,
 *       creationTimestamp, cluster IPs ({@code ClusterIpAllocator}) and node ports
 *       ({@code NodePortAllocator}), rejecting a Service with the API server's wording when they cannot
 *       be had. It also plays MetalLB's controller for LoadBalancer IPs ({@code LoadBalancerAllocator},
 *       pools from {@link io.kubeway.allocate.IpPool}).</li>
 *   <li>The API server picks free values at random; we pick them deterministically (a hash of the name
 *       gives the starting point, then a linear probe, {@code Probe}), keeping its static/dynamic bands,
 *       so that equal inputs give equal outputs.</li>
 *   <li>What was handed out survives restarts in {@link io.kubeway.allocate.AllocationStore}, the role
 *       etcd plays for the API server; a Service keeps its values as long as it exists.</li>
 * </ul>
 *
 * Everything is pure except {@code AllocationStore}'s file I/O; time comes from an injected Clock.
 */
package io.kubeway.allocate;
