/**
 * The Ingress controller's pure part: from Ingresses, IngressClasses, TLS Secrets, Services and EndpointSlices to
 * the HTTP data plane's {@link io.kubeway.state.http.HttpState} (listeners, a
 * {@link io.kubeway.state.http.routing.RouteTable}, certificates by SNI name), the handled Ingresses with their
 * status addresses, and problems. No I/O, no clock.
 *
 * <p>Public API: {@link io.kubeway.translate.ingress.IngressTranslator#translate} (and
 * {@link io.kubeway.translate.ingress.IncrementalIngressTranslator}, which gives the same result, doing the work only
 * when a change can alter it),
 * {@link io.kubeway.translate.ingress.IngressValidation#validate} (the API server's create validation, for the
 * controller's last-good fallback) and {@link io.kubeway.translate.ingress.TlsSecrets#parse} (so that the
 * controller can keep a Secret's last good certificate), with the records
 * {@link io.kubeway.translate.ingress.IngressInput}, {@link io.kubeway.translate.ingress.IngressOptions} and
 * {@link io.kubeway.translate.ingress.IngressTranslation}.
 *
 * <p>References: Kubernetes 1.35 {@code networking/v1} types and {@code pkg/apis/networking/validation}, the
 * DefaultIngressClass admission plugin, and ingress-nginx's controller (server and location building, annotation
 * parsers, {@code nginx.tmpl}, the Lua balancer's canary rules). docs/annotations.md lists every annotation.
 */
package io.kubeway.translate.ingress;
