package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.kubeway.admission.LastAccepted;
import io.kubeway.core.FieldError;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ClusterSnapshot.Sourced;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.state.http.routing.GlobalRules;
import io.kubeway.state.http.routing.Route;
import io.kubeway.state.http.routing.RouteConfig;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.translate.ingress.ControllerConfig;
import io.kubeway.translate.ingress.ControllerConfigMap;
import io.kubeway.translate.ingress.ExposedServices;
import io.kubeway.translate.ingress.IngressClassValidation;
import io.kubeway.translate.ingress.IncrementalIngressTranslator;
import io.kubeway.translate.ingress.IngressOptions;
import io.kubeway.translate.ingress.IngressTranslation;
import io.kubeway.translate.ingress.IngressValidation;
import io.kubeway.translate.ingress.TlsSecrets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The Ingress part of a sync: Ingresses, IngressClasses and TLS Secrets in, {@link HttpState} and Ingress
 * statuses out. Keeps the last good version of each object, as the API server would refuse a bad update:
 * an Ingress edited into something invalid keeps routing as before, and a Secret whose certificate breaks
 * keeps its last good certificate (new handshakes still get it), each with a Warning problem.
 */
public final class IngressSync {
    private final IngressOptions options;
    private final TlsCertificate defaultCertificate;
    private final LastAccepted<Ingress> lastGoodIngress = new LastAccepted<>();
    private final LastAccepted<Secret> lastGoodSecret = new LastAccepted<>();
    /** TLS Secrets parse once per instance: parsing checks signatures. */
    private Map<NamespacedName, Parsed> parsedSecrets = Map.of();
    private final @Nullable ControllerConfigMap configMap;
    private final @Nullable NamespacedName tcpServices;
    private final @Nullable NamespacedName udpServices;
    private volatile ControllerConfig config = ControllerConfig.NONE;
    /** Translates again only when a change can alter the result. */
    private final IncrementalIngressTranslator translator = new IncrementalIngressTranslator(this::parsed);

    /** When each Ingress was first seen: its creationTimestamp when the manifest has none. */
    private Map<NamespacedName, String> firstSeen = Map.of();
    private final java.time.Clock clock;

    private record Parsed(Secret secret, TlsSecrets.Result result) {
    }

    /** An Ingress as read, stamped with when it was first seen, and validated: once per instance. */
    private record Checked(Ingress raw, String first, Ingress stamped, List<FieldError> errors) {
    }

    private Map<NamespacedName, Checked> checked = Map.of();

    public IngressSync(IngressOptions options, TlsCertificate defaultCertificate, java.time.Clock clock) {
        this(options, defaultCertificate, clock, null);
    }

    /** @param configMap ingress-nginx's controller ConfigMap ({@code --configmap}), or null for none */
    public IngressSync(IngressOptions options, TlsCertificate defaultCertificate, java.time.Clock clock,
                       @Nullable NamespacedName configMap) {
        this(options, defaultCertificate, clock, configMap, null, null);
    }

    /**
     * @param tcpServices ingress-nginx's {@code --tcp-services-configmap}, or null
     * @param udpServices ingress-nginx's {@code --udp-services-configmap}, or null
     */
    public IngressSync(IngressOptions options, TlsCertificate defaultCertificate, java.time.Clock clock,
                       @Nullable NamespacedName configMap, @Nullable NamespacedName tcpServices,
                       @Nullable NamespacedName udpServices) {
        this.clock = requireNonNull(clock, "clock");
        this.options = requireNonNull(options, "options");
        this.defaultCertificate = requireNonNull(defaultCertificate, "defaultCertificate");
        this.configMap = configMap == null ? null : new ControllerConfigMap(configMap);
        this.tcpServices = tcpServices;
        this.udpServices = udpServices;
    }

    /**
     * The Service listeners plus the exposed TCP/UDP services; an exposed one on an address and port a Service
     * already listens on is left out, with a Warning (the Service keeps its listener).
     */
    static Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> withExposed(
            Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> services,
            Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> exposed, List<Problem> problems) {
        if (exposed.isEmpty()) return services;
        Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> all = new HashMap<>(services);
        exposed.forEach((k, l) -> {
            io.kubeway.state.L4Listener before = all.putIfAbsent(k, l);
            if (before != null) {
                problems.add(Problem.warning(ObjectRef.of("Service", l.service().service()), null, "PortConflict",
                        l.kind() + " " + k + " for " + l.service() + " is already " + before.kind() + " of "
                                + before.service() + "; not exposed"));
            }
        });
        return all;
    }

    /** The TCP and UDP services exposed on the Ingress addresses. */
    private Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> exposed(ClusterSnapshot snap,
            List<Service> admitted, Map<NamespacedName, List<EndpointSlice>> byService, List<Problem> problems) {
        if (tcpServices == null && udpServices == null) return Map.of();
        Set<java.net.InetAddress> addresses = new java.util.LinkedHashSet<>();
        Set<Integer> taken = new java.util.HashSet<>();
        for (io.kubeway.state.ListenKey k : options.http()) {
            addresses.add(k.address());
            taken.add(k.port());
        }
        for (io.kubeway.state.ListenKey k : options.https()) {
            addresses.add(k.address());
            taken.add(k.port());
        }
        Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> out = new java.util.TreeMap<>();
        for (var e : Map.of(io.kubeway.core.Protocol.TCP, java.util.Optional.ofNullable(tcpServices),
                io.kubeway.core.Protocol.UDP, java.util.Optional.ofNullable(udpServices)).entrySet()) {
            if (e.getValue().isEmpty()) continue;
            NamespacedName nn = e.getValue().get();
            Sourced<ConfigMap> found = null;
            for (Sourced<ConfigMap> c : snap.ofType(ConfigMap.class)) {
                if (NamespacedName.of(c.object()).equals(nn)) found = c;
            }
            out.putAll(ExposedServices.listeners(nn, found == null ? null : found.object(),
                    found == null ? null : found.source(), e.getKey(), addresses, taken, admitted, byService,
                    options.nodeName(), problems));
        }
        return out;
    }

    /** The ConfigMaps this sync reads: the source watches them, and they are not reported as unserved. */
    public Set<NamespacedName> controllerConfigNames() {
        return configMaps();
    }

    Set<NamespacedName> configMaps() {
        Set<NamespacedName> out = new java.util.TreeSet<>(java.util.Comparator.comparing(NamespacedName::toString));
        if (configMap != null) out.add(configMap.name());
        if (tcpServices != null) out.add(tcpServices);
        if (udpServices != null) out.add(udpServices);
        return Set.copyOf(out);
    }

    /** The controller ConfigMap's effect as of the last sync ({@link ControllerConfig#NONE} without one). */
    public ControllerConfig controllerConfig() {
        return config;
    }

    /** Reads the controller ConfigMap of {@code snap}, keeping the last good value of each key. */
    private ControllerConfig readConfig(ClusterSnapshot snap, List<Problem> problems) {
        if (configMap == null) return ControllerConfig.NONE;
        Sourced<ConfigMap> found = null;
        for (Sourced<ConfigMap> c : snap.ofType(ConfigMap.class)) {
            if (NamespacedName.of(c.object()).equals(configMap.name())) found = c;
        }
        return configMap.read(found == null ? null : found.object(), found == null ? null : found.source(), problems);
    }

    /** The incremental translator (its counters, for the benchmark and tests). */
    IncrementalIngressTranslator translator() {
        return translator;
    }

    String className() {
        return options.ingressClass();
    }

    IngressTranslation sync(ClusterSnapshot snap, List<Service> admitted, List<EndpointSlice> slices,
                            List<Problem> problems) {
        config = readConfig(snap, problems);
        List<Sourced<Ingress>> ingresses = ingresses(snap, problems);
        List<Sourced<Secret>> secrets = secrets(snap, problems);
        List<IngressClass> classes = new ArrayList<>();
        for (Sourced<IngressClass> c : snap.ofType(IngressClass.class)) {
            List<FieldError> errors = IngressClassValidation.validate(c.object());
            if (errors.isEmpty()) classes.add(c.object());
            else problems.add(Problem.invalid(ObjectRef.of(c.object()), c.source(), errors));
        }
        var exposed = exposed(snap, admitted, translator.slicesByService(slices), problems);
        if (ingresses.isEmpty() && options.defaultBackendService() == null) {
            return emptyTranslation().withL4(exposed);
        }
        IngressTranslation t = translator.translate(ingresses, classes, secrets, admitted, slices, defaultCertificate,
                options, config, snap.objectsOf(io.fabric8.kubernetes.api.model.Node.class));
        problems.addAll(t.problems());
        return exposed.isEmpty() ? t : t.withL4(exposed);
    }

    private IngressTranslation emptyTranslation() {
        var router = config.rules().equals(GlobalRules.NONE) ? HttpState.EMPTY.router()
                : new RouteTable(new RouteConfig(List.of(), Route.builtInDefault(), 443, config.rules()));
        return new IngressTranslation(new HttpState(options.http(), options.https(), router, Map.of(),
                defaultCertificate, Map.of(), config.edge()), List.of(), List.of(), List.of());
    }

    /** Valid Ingresses, or their last good version when an edit made them invalid. */
    private List<Sourced<Ingress>> ingresses(ClusterSnapshot snap, List<Problem> problems) {
        List<Sourced<Ingress>> out = new ArrayList<>();
        Map<NamespacedName, String> seen = new HashMap<>();
        String now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Map<NamespacedName, Checked> checkedNow = new HashMap<>();
        for (Sourced<Ingress> raw : snap.ofType(Ingress.class)) {
            NamespacedName nn = NamespacedName.of(raw.object());
            String first = firstSeen.getOrDefault(nn, now);
            Checked c = checked.get(nn);
            if (c == null || c.raw() != raw.object() || !c.first().equals(first)) {
                Sourced<Ingress> stamped = stamped(raw, first);
                c = new Checked(raw.object(), first, stamped.object(), IngressValidation.validate(stamped.object()));
            }
            checkedNow.put(nn, c);
            seen.put(nn, c.stamped().getMetadata().getCreationTimestamp());
            Sourced<Ingress> s = new Sourced<>(c.stamped(), raw.source());
            List<FieldError> errors = c.errors();
            Ingress before = lastGoodIngress.last(nn);
            if (errors.isEmpty()) {
                out.add(new Sourced<>(lastGoodIngress.accept(nn, s.object()), s.source()));
            } else if (before != null) {
                problems.add(Problem.invalid(ObjectRef.of(s.object()), s.source(), errors));
                lastGoodIngress.accept(nn, before);
                out.add(new Sourced<>(before, s.source()));
            } else {
                out.add(s); // the translator reports it and leaves it out
            }
        }
        lastGoodIngress.endPass();
        firstSeen = seen;
        checked = checkedNow;
        return out;
    }

    /**
     * As the API server stamps creationTimestamp on create: an Ingress from a file gets the time it was first
     * seen, which also orders conflicts (the oldest Ingress wins a host and path).
     */
    private static Sourced<Ingress> stamped(Sourced<Ingress> s, String first) {
        String created = s.object().getMetadata().getCreationTimestamp();
        if (created != null) {
            return s;
        }
        Ingress copy = new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder(s.object())
                .editMetadata().withCreationTimestamp(first).endMetadata().build();
        return new Sourced<>(copy, s.source());
    }

    /** Secrets, with a TLS Secret that broke replaced by its last good version. */
    private List<Sourced<Secret>> secrets(ClusterSnapshot snap, List<Problem> problems) {
        Map<NamespacedName, Parsed> parsed = new HashMap<>();
        List<Sourced<Secret>> out = new ArrayList<>();
        for (Sourced<Secret> s : snap.ofType(Secret.class)) {
            NamespacedName nn = NamespacedName.of(s.object());
            if (!hasTlsData(s.object())) {
                out.add(s);
                continue;
            }
            Parsed p = parsedSecrets.get(nn);
            if (p == null || p.secret() != s.object()) {
                p = new Parsed(s.object(), TlsSecrets.parse(s.object()));
            }
            parsed.put(nn, p);
            Secret before = lastGoodSecret.last(nn);
            if (p.result() instanceof TlsSecrets.Result.Invalid invalid && before != null) {
                problems.add(Problem.warning(ObjectRef.of(s.object()), s.source(), "InvalidSecret",
                        invalid.message() + "; keeping the last good certificate"));
                lastGoodSecret.accept(nn, before);
                parsed.put(nn, parsedSecrets.get(nn) != null && parsedSecrets.get(nn).secret() == before
                        ? parsedSecrets.get(nn) : new Parsed(before, TlsSecrets.parse(before)));
                out.add(new Sourced<>(before, s.source()));
            } else {
                if (p.result() instanceof TlsSecrets.Result.Ok) {
                    lastGoodSecret.accept(nn, s.object());
                }
                out.add(s);
            }
        }
        lastGoodSecret.endPass();
        parsedSecrets = parsed;
        return out;
    }

    /** A TLS Secret parsed by {@link #secrets} in this sync (the same instance), else parsed now. */
    private TlsSecrets.Result parsed(Secret s) {
        Parsed p = parsedSecrets.get(NamespacedName.of(s));
        return p != null && p.secret() == s ? p.result() : TlsSecrets.parse(s);
    }

    private static boolean hasTlsData(Secret s) {
        return s.getData() != null && s.getData().containsKey("tls.crt")
                || s.getStringData() != null && s.getStringData().containsKey("tls.crt");
    }
}
