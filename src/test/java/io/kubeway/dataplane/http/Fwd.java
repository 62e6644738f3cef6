package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.TestNet;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.Forward;
import io.kubeway.state.http.RouteDecision.RateLimit;
import io.kubeway.state.http.Router;
import io.kubeway.state.http.Timeouts;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link Forward} decisions of test routers; the upstream path defaults to the request's. */
final class Fwd {
    HttpCluster cluster;
    String ingress = "demo/web";
    String host = "";
    String path = "/";
    String upstreamPath;
    Map<String, String> setRequestHeaders = new HashMap<>();
    Map<String, String> addResponseHeaders = new HashMap<>();
    Timeouts timeouts = Timeouts.DEFAULT;
    long maxBodyBytes;
    EndpointAffinity affinity;
    RateLimit rateLimit;
    ExternalAuth externalAuth;
    io.kubeway.state.http.UpstreamPolicy upstream;

    static Fwd to(InetSocketAddress... endpoints) {
        return to(BackendProtocol.HTTP, endpoints);
    }

    static Fwd to(BackendProtocol protocol, InetSocketAddress... endpoints) {
        Fwd f = new Fwd();
        f.cluster = cluster("demo/web:80", protocol, endpoints);
        return f;
    }

    static HttpCluster cluster(String name, BackendProtocol protocol, InetSocketAddress... endpoints) {
        List<Endpoint> eps = Arrays.stream(endpoints).map(TestNet::endpoint).toList();
        return new HttpCluster(name, eps, protocol);
    }

    Fwd readTimeout(Duration d) {
        timeouts = new Timeouts(timeouts.connect(), d, timeouts.send());
        return this;
    }

    Forward build(RequestView req) {
        String up = upstreamPath != null ? upstreamPath : req.path() + (req.query() == null ? "" : "?" + req.query());
        return new Forward(ingress, host, path, cluster, up, setRequestHeaders, addResponseHeaders, timeouts,
                maxBodyBytes, affinity, rateLimit, externalAuth, null, upstream);
    }

    Router router() {
        return this::build;
    }

    static Router respond(int status, Map<String, String> headers, String body) {
        return r -> new RouteDecision.Respond("demo/redirect", status, headers, body);
    }
}
