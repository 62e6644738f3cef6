package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.kubeway.core.FieldError;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.state.http.routing.PathMatch;
import io.kubeway.state.http.routing.Route;
import io.kubeway.state.http.routing.RouteConfig;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.state.http.routing.VirtualHost;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pure translation from Ingresses (with their classes, Secrets, Services and endpoints) to the HTTP data
 * plane's desired state. No I/O and no clock: the same input gives the same output.
 *
 * <ol>
 *   <li>Select our Ingresses ({@link IngressClassFilter}; the others are reported and listed) and validate them as the API server would
 *       ({@link IngressValidation}); an invalid one is left out with an Invalid problem naming its file and
 *       field.</li>
 *   <li>Read each one's annotations ({@link IngressAnnotations}) and resolve its backends
 *       ({@link BackendResolver}).</li>
 *   <li>Merge the rules by host, oldest Ingress first ({@link HostTable}), then attach canaries; assign TLS
 *       certificates per host ({@link TlsAssignment}); client certificates ({@code auth-tls-*}) per host, from the
 *       host's oldest Ingress that asks for them ({@link HostTable#build}), and by server name for the
 *       handshakes.</li>
 *   <li>The default route, for hosts nobody names and paths the rules without host do not match: the
 *       {@code defaultBackend} of the oldest Ingress that has one, else {@code --default-backend-service}, else
 *       the built-in 404.</li>
 *   <li>Status addresses for every handled Ingress ({@link IngressStatuses}).</li>
 * </ol>
 */
public final class IngressTranslator {
    private IngressTranslator() {
    }

    /**
     * The policy of an Ingress's defaultBackend as the catch-all route: closed when the Ingress asks for client
     * certificates, which need a server name (hosts nobody names have none of their own).
     */
    private static RoutePolicy catchAll(IngressEntry e) {
        RoutePolicy p = e.annotations().policy();
        if (e.annotations().clientAuth() == null) return p;
        e.warn(AnnotationReader.UNSUPPORTED, "client certificates (auth-tls-*) need a host: this Ingress's "
                + "defaultBackend, serving hosts nobody names, answers 503 (fail closed)");
        return p.toBuilder().denied("auth-tls-secret: default backend without host").build();
    }

    /**
     * The hosts whose handshake asks for a client certificate, by name (the data plane's SNI table), and
     * {@link ClientAuth#NONE} for an exact host without it under a wildcard host with it (the
     * router picks the exact host, so its handshake must not ask).
     */
    private static Map<String, ClientAuth> clientAuthByName(List<VirtualHost> hosts) {
        Map<String, ClientAuth> out = new TreeMap<>();
        for (VirtualHost vh : hosts) {
            if (vh.clientAuth() != null && vh.clientAuth().verify() != ClientAuth.Verify.OFF) {
                out.put(vh.host(), vh.clientAuth());
            }
        }
        for (VirtualHost vh : hosts) {
            int dot = vh.host().indexOf('.');
            if (!out.containsKey(vh.host()) && dot > 0 && !vh.host().startsWith("*.")
                    && out.containsKey("*" + vh.host().substring(dot))) {
                out.put(vh.host(), ClientAuth.NONE);
            }
        }
        return out;
    }

    /**
     * The controller ConfigMap's {@code custom-http-errors} without a {@code --default-backend-service} (with
     * endpoints) to answer them: as in ingress-nginx (whose {@code upstream-default-backend} is then its built-in
     * server, which answers 404 to everything), the listed statuses are replaced by the built-in 404. Applied,
     * but rarely what is meant, so a Warning says so.
     */
    private static void warnWithoutDefaultBackend(ControllerConfig config, Backend serviceDefault,
                                                  List<Problem> problems) {
        if (config.customHttpErrors().isEmpty() || config.name() == null
                || UpstreamPolicyAnnotations.errorBackend(serviceDefault) != null) {
            return;
        }
        String why = serviceDefault instanceof Backend.Service ? "--default-backend-service has no ready endpoints"
                : "no --default-backend-service";
        problems.add(Problem.warning(ObjectRef.of("ConfigMap", config.name()), null, ControllerConfigMap.NO_ERROR_BACKEND,
                "ConfigMap " + config.name() + ": custom-http-errors " + config.customHttpErrors() + " with " + why
                        + ": on routes without their own custom-http-errors annotation these statuses are answered "
                        + "by the built-in default backend (404 \"default backend - 404\"), as in ingress-nginx"));
    }

    public static IngressTranslation translate(IngressInput in) {
        return translate(in, new IngressReads());
    }

    /** As {@link #translate(IngressInput)}, recording in {@code reads} the Services and Secrets it looked up. */
    public static IngressTranslation translate(IngressInput in, IngressReads reads) {
        return translate(in, reads, TlsSecrets::parse);
    }

    /** As above, parsing TLS Secrets with {@code tlsParser} (the controller's cache of {@link TlsSecrets#parse}). */
    public static IngressTranslation translate(IngressInput in, IngressReads reads,
                                               java.util.function.Function<Secret, TlsSecrets.Result> tlsParser) {
        IngressOptions o = in.options();
        List<Problem> problems = new ArrayList<>();
        IngressClassFilter classes = new IngressClassFilter(in.classes(), o);
        BackendResolver backends = new BackendResolver(in.services(), in.slicesByService(), o.nodeName());
        Backend serviceDefault = o.defaultBackendService() == null ? Backend.NOT_FOUND
                : backends.defaultService(o.defaultBackendService(), (reason, message) -> problems.add(
                Problem.warning(ObjectRef.of("Service", o.defaultBackendService()), null, reason, message)));

        warnWithoutDefaultBackend(in.config(), serviceDefault, problems);

        Map<NamespacedName, Secret> all = new HashMap<>();
        for (ClusterSnapshot.Sourced<Secret> s : in.secrets()) all.put(NamespacedName.of(s.object()), s.object());
        Map<NamespacedName, Secret> secrets = reads.recordingSecrets(all);
        List<IngressEntry> entries = new ArrayList<>();
        List<Ingress> handled = new ArrayList<>();
        List<Ingress> others = new ArrayList<>();
        for (ClusterSnapshot.Sourced<Ingress> s : in.ingresses()) {
            Ingress ing = s.object();
            if (!classes.handles(ing, s.source(), problems)) {
                if (IngressValidation.validate(ing).isEmpty()) others.add(ing);
                continue;
            }
            List<FieldError> errors = IngressValidation.validate(ing);
            if (!errors.isEmpty()) {
                problems.add(Problem.invalid(ObjectRef.of(ing), s.source(), errors));
                continue;
            }
            ObjectRef ref = ObjectRef.of(ing);
            AnnotationReader reader = new AnnotationReader(ing.getMetadata().getAnnotations(), ref, s.source(),
                    problems);
            IngressAnnotations.Parsed parsed = UpstreamPolicyAnnotations.apply(reader, IngressAnnotations.parse(reader,
                    ref.namespace() + "/" + ref.name(), secrets, in.config().base(), in.config().auth()), ref.namespace(), backends,
                    serviceDefault, in.config().customHttpErrors());
            handled.add(ing);
            entries.add(new IngressEntry(ing, s.source(), parsed, problems));
        }
        List<IngressEntry> byAge = entries.stream().sorted(IngressEntry.OLDEST_FIRST).toList(); // stable

        HostTable hosts = new HostTable(backends, in.config().auth());
        TlsAssignment tls = new TlsAssignment(secrets, tlsParser);
        for (IngressEntry e : byAge) {
            if (e.canary()) continue;
            if (e.ingress().getSpec().getDefaultBackend() != null) {
                e.defaultBackend(UpstreamPolicyAnnotations.orDefault(backends.resolve(e.namespace(),
                        e.ingress().getSpec().getDefaultBackend(), e.annotations().protocol(),
                        e.annotations().upstream(), e::warn), e.annotations().policy()));
            }
            hosts.add(e);
            tls.add(e, HostTable.ruleHosts(e));
        }
        byAge.stream().filter(IngressEntry::canary).forEach(hosts::addCanary);

        Route defaultRoute = byAge.stream().filter(e -> e.defaultBackend() != null).findFirst()
                .map(e -> new Route(e.name(), "", PathMatch.prefix("/"), e.defaultBackend(), null,
                        HostTable.fallbackPolicy(catchAll(e))))
                .orElse(new Route("-", "", PathMatch.prefix("/"), serviceDefault, null, RoutePolicy.DEFAULT));
        // by name: a group of Ingresses translated again replaces its hosts in place (IncrementalIngressTranslator)
        List<VirtualHost> virtualHosts = hosts.build(tls::isTls, serviceDefault).stream()
                .sorted(java.util.Comparator.comparing(VirtualHost::host)).toList();
        int httpsPort = o.https().isEmpty() ? 443 : o.https().get(0).port();
        RouteTable table = new RouteTable(new RouteConfig(virtualHosts, defaultRoute, httpsPort, in.config().rules()));
        HttpState http = new HttpState(o.http(), o.https(), table, tls.certificates(), in.defaultCertificate(),
                clientAuthByName(virtualHosts), PassthroughHosts.collect(byAge, o.sslPassthrough(), backends),
                in.config().edge());

        List<IngressLoadBalancerIngress> addresses = IngressStatuses.addresses(o, in.services(), in.nodes(), problems);
        List<Ingress> withStatus = handled.stream().map(i -> IngressStatuses.withStatus(i, addresses)).toList();
        reads.services().addAll(backends.read());
        reads.clusters(backends);
        if (o.publishService() != null) reads.services().add(o.publishService());
        return new IngressTranslation(http, withStatus, others, problems);
    }
}
