/**
 * Service defaulting and validation as the Kubernetes API server does them, so a manifest read from a
 * file is accepted or rejected, with the same messages, as {@code kubectl apply} would do it.
 *
 * <p>Public API: {@link io.kubeway.translate.service.ServiceDefaults#apply},
 * {@link io.kubeway.translate.service.ServiceValidation#validate} and
 * {@link io.kubeway.translate.service.ServiceValidation#validateUpdate}, and
 * {@link io.kubeway.translate.service.ServiceSupport#unsupported} for what Kubeway does not serve.
 *
 * <p>The reference is Kubernetes 1.35: {@code pkg/apis/core/v1/defaults.go},
 * {@code pkg/apis/core/validation/validation.go}, the Service registry ({@code pkg/registry/core/service})
 * and apimachinery's validation helpers. Where Kubeway differs, the code says so:
 * <ul>
 *   <li>healthCheckNodePort is not required before allocation (Kubeway validates, then allocates);</li>
 *   <li>checks that need cluster configuration (IP ranges and families, node port range, free values)
 *       are the allocator's;</li>
 *   <li>owner references, finalizers, managedFields and resourceVersion are not validated.</li>
 * </ul>
 */
package io.kubeway.translate.service;
