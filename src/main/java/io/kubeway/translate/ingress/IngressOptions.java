package io.kubeway.translate.ingress;

import io.kubeway.core.NamespacedName;
import io.kubeway.state.ListenKey;
import org.jspecify.annotations.Nullable;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The Ingress controller's settings (command-line flags).
 *
 * @param ingressClass           {@code --ingress-class}: the class name assumed when there is no IngressClass at all,
 *                               accepted in the legacy {@code kubernetes.io/ingress.class} annotation, and claimed by
 *                               name with {@code ingressClassByName}
 * @param controllers            the {@code spec.controller}s of IngressClasses Kubeway implements: its own
 *                               ({@link #CONTROLLER_NAME}) and those {@code --controller-class} adds
 * @param ingressClassByName     {@code --ingress-class-by-name}: the IngressClass named {@code ingressClass} is
 *                               Kubeway's whatever its controller (ingress-nginx's flag)
 * @param watchWithoutClass      {@code --watch-ingress-without-class}: also handle Ingresses without any class
 * @param defaultBackendService  {@code --default-backend-service}: serves what nothing else does (its first port),
 *                               instead of the built-in 404
 * @param publishService         {@code --publish-service}: its load-balancer addresses go to Ingress status
 * @param publishStatusAddresses {@code --publish-status-address}: IPs or host names for Ingress status
 * @param http                   HTTP listeners; their addresses are the status fallback
 * @param https                  HTTPS listeners; the first one's port is where HTTP is redirected
 * @param nodeName               this node, for endpoint selection
 * @param sslPassthrough         {@code --enable-ssl-passthrough}: honour {@code ssl-passthrough} (ingress-nginx's
 *                               flag; without it the annotation is reported and the host is terminated as usual)
 */
public record IngressOptions(String ingressClass, List<String> controllers, boolean ingressClassByName,
                             boolean watchWithoutClass,
                             @Nullable NamespacedName defaultBackendService, @Nullable NamespacedName publishService,
                             List<String> publishStatusAddresses, List<ListenKey> http, List<ListenKey> https,
                             String nodeName, boolean sslPassthrough) {
    public static final String DEFAULT_CLASS = "kubeway";
    public static final String CONTROLLER_NAME = "kubeway.io/ingress-controller";

    public IngressOptions {
        requireNonNull(ingressClass, "ingressClass");
        controllers = List.copyOf(controllers);
        publishStatusAddresses = List.copyOf(publishStatusAddresses);
        http = List.copyOf(http);
        https = List.copyOf(https);
        requireNonNull(nodeName, "nodeName");
    }

    /** Without TLS passthrough. */
    public IngressOptions(String ingressClass, List<String> controllers, boolean ingressClassByName,
                          boolean watchWithoutClass, @Nullable NamespacedName defaultBackendService,
                          @Nullable NamespacedName publishService, List<String> publishStatusAddresses,
                          List<ListenKey> http, List<ListenKey> https, String nodeName) {
        this(ingressClass, controllers, ingressClassByName, watchWithoutClass, defaultBackendService, publishService,
                publishStatusAddresses, http, https, nodeName, false);
    }

    /** One controller, no class by name. */
    public IngressOptions(String ingressClass, String controllerName, boolean watchWithoutClass,
                          @Nullable NamespacedName defaultBackendService, @Nullable NamespacedName publishService,
                          List<String> publishStatusAddresses, List<ListenKey> http, List<ListenKey> https,
                          String nodeName) {
        this(ingressClass, List.of(controllerName), false, watchWithoutClass, defaultBackendService, publishService,
                publishStatusAddresses, http, https, nodeName);
    }
}
