package io.kubeway;

import java.net.InetSocketAddress;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The Ingress controller's settings, as {@code kubeway run} takes them.
 *
 * @param ingressClass           the IngressClass name this controller answers to ({@code --ingress-class})
 * @param watchWithoutClass      also handle Ingresses without any class ({@code --watch-ingress-without-class})
 * @param httpAddress            the HTTP listener; null for none
 * @param httpsAddress           the HTTPS listener; null for none
 * @param defaultBackendService  {@code ns/name} answering requests no rule matches; null for the built-in 404
 * @param publishService         {@code ns/name} of a LoadBalancer Service whose address Ingresses report
 * @param publishStatusAddresses addresses Ingresses report instead
 * @param trustedProxies         CIDRs whose X-Forwarded-* headers are believed
 * @param accessLog              {@code off}, {@code text} or {@code json}
 * @param underscoresInHeaders   forward request header names with underscores ({@code --underscores-in-headers});
 *                               by default they are dropped, as nginx does
 * @param controllerClasses      IngressClass controllers served besides Kubeway's own ({@code --controller-class},
 *                               e.g. {@code k8s.io/ingress-nginx} to take over ingress-nginx's classes)
 * @param ingressClassByName     the IngressClass named {@code ingressClass} is served whatever its controller
 *                               ({@code --ingress-class-by-name})
 * @param configMap              {@code ns/name} of ingress-nginx's controller ConfigMap ({@code --configmap}), or
 *                               null for none
 * @param tcpServicesConfigMap   {@code ns/name} of ingress-nginx's {@code --tcp-services-configmap}, or null
 * @param udpServicesConfigMap   {@code ns/name} of ingress-nginx's {@code --udp-services-configmap}, or null
 * @param sslPassthrough         honour the {@code ssl-passthrough} annotation ({@code --enable-ssl-passthrough})
 */
public record IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                              InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                              List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog,
                              boolean underscoresInHeaders, List<String> controllerClasses,
                              boolean ingressClassByName, String configMap, String tcpServicesConfigMap,
                              String udpServicesConfigMap, boolean sslPassthrough) {
    /** The controller name in IngressClass {@code spec.controller}. */
    public static final String CONTROLLER = "kubeway.io/ingress-controller";

    /** Without TLS passthrough. */
    public IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                           InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                           List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog,
                           boolean underscoresInHeaders, List<String> controllerClasses, boolean ingressClassByName,
                           String configMap, String tcpServicesConfigMap, String udpServicesConfigMap) {
        this(ingressClass, watchWithoutClass, httpAddress, httpsAddress, defaultBackendService, publishService,
                publishStatusAddresses, trustedProxies, accessLog, underscoresInHeaders, controllerClasses,
                ingressClassByName, configMap, tcpServicesConfigMap, udpServicesConfigMap, false);
    }

    /** No TCP or UDP services ConfigMap. */
    public IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                           InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                           List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog,
                           boolean underscoresInHeaders, List<String> controllerClasses, boolean ingressClassByName,
                           String configMap) {
        this(ingressClass, watchWithoutClass, httpAddress, httpsAddress, defaultBackendService, publishService,
                publishStatusAddresses, trustedProxies, accessLog, underscoresInHeaders, controllerClasses,
                ingressClassByName, configMap, null, null);
    }

    /** No controller ConfigMap. */
    public IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                           InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                           List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog,
                           boolean underscoresInHeaders, List<String> controllerClasses, boolean ingressClassByName) {
        this(ingressClass, watchWithoutClass, httpAddress, httpsAddress, defaultBackendService, publishService,
                publishStatusAddresses, trustedProxies, accessLog, underscoresInHeaders, controllerClasses,
                ingressClassByName, null);
    }

    /** The same settings with {@code --enable-ssl-passthrough} as given. */
    public IngressSettings withSslPassthrough(boolean on) {
        return new IngressSettings(ingressClass, watchWithoutClass, httpAddress, httpsAddress, defaultBackendService,
                publishService, publishStatusAddresses, trustedProxies, accessLog, underscoresInHeaders,
                controllerClasses, ingressClassByName, configMap, tcpServicesConfigMap, udpServicesConfigMap, on);
    }

    /** Header names with underscores dropped (the default). */
    public IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                           InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                           List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog) {
        this(ingressClass, watchWithoutClass, httpAddress, httpsAddress, defaultBackendService, publishService,
                publishStatusAddresses, trustedProxies, accessLog, false);
    }

    /** Only Kubeway's own controller. */
    public IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                           InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                           List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog,
                           boolean underscoresInHeaders) {
        this(ingressClass, watchWithoutClass, httpAddress, httpsAddress, defaultBackendService, publishService,
                publishStatusAddresses, trustedProxies, accessLog, underscoresInHeaders, List.of(), false);
    }

    /** The controllers served: Kubeway's own, then {@link #controllerClasses}. */
    public List<String> controllers() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        all.add(CONTROLLER);
        all.addAll(controllerClasses);
        return List.copyOf(all);
    }

    public IngressSettings {
        requireNonNull(ingressClass, "ingressClass");
        publishStatusAddresses = List.copyOf(publishStatusAddresses);
        trustedProxies = List.copyOf(trustedProxies);
        requireNonNull(accessLog, "accessLog");
        controllerClasses = List.copyOf(controllerClasses);
    }

    /** Defaults for tests and embedding: class {@code kubeway}, listeners as given. */
    public static IngressSettings defaults(InetSocketAddress http, InetSocketAddress https) {
        return new IngressSettings("kubeway", false, http, https, null, null, List.of(), List.of(), "off");
    }
}
