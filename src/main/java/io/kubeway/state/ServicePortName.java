package io.kubeway.state;

import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;

/**
 * One port of one Service, the unit kube-proxy programs: {@code ns/svc:port/TCP}, where port is the
 * port's name or, for an unnamed port, its number.
 */
public record ServicePortName(NamespacedName service, String port, Protocol protocol) {
    @Override
    public String toString() {
        return service + ":" + port + "/" + protocol;
    }
}
