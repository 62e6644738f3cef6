package io.kubeway.state.http.routing;

import io.kubeway.core.IpLiterals;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.Forward;
import io.kubeway.state.http.RouteDecision.Respond;

import java.util.List;
import java.util.function.UnaryOperator;

/** Builders for route tables in tests. */
final class Tables {
    private Tables() {
    }

    /** A backend named {@code svc} with one endpoint. */
    static Backend svc(String name) {
        return new Backend.Service(new HttpCluster("default/" + name + ":80",
                List.of(new Endpoint(IpLiterals.of("10.1.0.1"), 8080, "default/" + name + "-pod")),
                BackendProtocol.HTTP));
    }

    static Backend empty(String name) {
        return new Backend.Service(new HttpCluster("default/" + name + ":80", List.of(), BackendProtocol.HTTP));
    }

    static Route route(String host, PathMatch m, String svc) {
        return new Route("default/ing", host, m, svc(svc), null, RoutePolicy.DEFAULT);
    }

    static Route route(String host, PathMatch m, String svc, UnaryOperator<RoutePolicy.Builder> policy) {
        return new Route("default/ing", host, m, svc(svc), null, policy.apply(RoutePolicy.builder()).build());
    }

    static VirtualHost host(String host, Route... routes) {
        return new VirtualHost(host, false, null, List.of(routes), Route.builtInDefault());
    }

    static VirtualHost tlsHost(String host, Route... routes) {
        return new VirtualHost(host, true, null, List.of(routes), Route.builtInDefault());
    }

    static RouteTable table(VirtualHost... hosts) {
        return new RouteTable(new RouteConfig(List.of(hosts), Route.builtInDefault(), 443));
    }

    /**
     * A short description of a decision: the cluster's service name for a forward ({@code web}), else the
     * status ({@code 404}).
     */
    static String describe(RouteDecision d) {
        return switch (d) {
            case Forward f -> f.cluster().name().substring("default/".length(), f.cluster().name().indexOf(':'));
            case Respond r -> Integer.toString(r.status());
            case io.kubeway.state.http.RouteDecision.Authenticate a -> describe(a.check().verify() ? a.then()
                    : a.unauthorized());
        };
    }
}
