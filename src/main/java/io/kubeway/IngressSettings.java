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
 */
public record IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                              InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                              List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog,
                              boolean underscoresInHeaders) {
    /** The controller name in IngressClass {@code spec.controller}. */
    public static final String CONTROLLER = "kubeway.io/ingress-controller";

    /** Header names with underscores dropped (the default). */
    public IngressSettings(String ingressClass, boolean watchWithoutClass, InetSocketAddress httpAddress,
                           InetSocketAddress httpsAddress, String defaultBackendService, String publishService,
                           List<String> publishStatusAddresses, List<String> trustedProxies, String accessLog) {
        this(ingressClass, watchWithoutClass, httpAddress, httpsAddress, defaultBackendService, publishService,
                publishStatusAddresses, trustedProxies, accessLog, false);
    }

    public IngressSettings {
        requireNonNull(ingressClass, "ingressClass");
        publishStatusAddresses = List.copyOf(publishStatusAddresses);
        trustedProxies = List.copyOf(trustedProxies);
        requireNonNull(accessLog, "accessLog");
    }

    /** Defaults for tests and embedding: class {@code kubeway}, listeners as given. */
    public static IngressSettings defaults(InetSocketAddress http, InetSocketAddress https) {
        return new IngressSettings("kubeway", false, http, https, null, null, List.of(), List.of(), "off");
    }
}
