package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot.Sourced;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.state.http.routing.RouteConfig;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.state.http.routing.VirtualHost;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * An Ingress change translated as ingress-nginx merges Ingresses: by host. Every Ingress has keys, the names through
 * which its translation can meet another's: its rule hosts ({@code ""} for rules without host), its TLS hosts, its
 * {@code server-alias} names, the one-label wildcard above each of those ({@code a.example.com} meets
 * {@code *.example.com}: a wildcard TLS host makes it a TLS host, a wildcard's client certificates need an exact host
 * under it to say it asks none), and {@link #DEFAULT} when it has a {@code defaultBackend} (the oldest one is the
 * default route). Ingresses sharing a key, directly or through others, are translated together; the translation of
 * such a closed group gives exactly the full translation's hosts, certificates, client certificates, passthrough
 * hosts, statuses and Ingress problems for its keys and members. So a change translates the group of the changed
 * Ingresses (their old and new keys) and replaces that group's part of the last result: the hosts, certificates,
 * client certificates and passthrough hosts named by its keys, the problems of its Ingresses, their statuses.
 *
 * <p>The result equals the full translation's but for the order of its problems (the event recorder takes them as a
 * set). Not thread-safe: the sync thread uses it.
 */
final class HostGroups {
    /** The key of every Ingress with a {@code defaultBackend}: they decide the default route together. */
    static final String DEFAULT = "<defaultBackend>";
    private static final String ALIAS = "server-alias";

    /**
     * An Ingress's keys: {@code names} (its hosts, TLS hosts, aliases, {@link #DEFAULT}) meet the same names of other
     * Ingresses; {@code under} (the wildcard above each exact name) meets only an Ingress that has that wildcard as a
     * name, so that {@code a.example.com} and {@code b.example.com} stay apart until some {@code *.example.com}
     * exists.
     */
    private record Keyed(Ingress ingress, Set<String> names, Set<String> under) {
    }

    /** The keys of each Ingress, computed once per instance. */
    private Map<NamespacedName, Keyed> keys = new HashMap<>();

    /**
     * The last result with the Ingresses of {@code now} that differ from {@code before} (and every Ingress sharing a
     * key with them) translated again by {@code translate} (given those Ingresses, in input order).
     */
    IngressTranslation update(IngressTranslation last, List<Sourced<Ingress>> before, List<Sourced<Ingress>> now,
                              Function<List<Sourced<Ingress>>, IngressTranslation> translate) {
        Map<NamespacedName, Sourced<Ingress>> old = byName(before);
        Map<NamespacedName, Sourced<Ingress>> current = byName(now);
        Set<NamespacedName> dirty = new LinkedHashSet<>();
        old.forEach((nn, s) -> {
            Sourced<Ingress> n = current.get(nn);
            if (n == null || n.object() != s.object() || !Objects.equals(n.source(), s.source())) dirty.add(nn);
        });
        current.keySet().forEach(nn -> {
            if (!old.containsKey(nn)) dirty.add(nn);
        });
        Map<NamespacedName, Keyed> oldKeys = new HashMap<>();
        for (NamespacedName nn : dirty) {
            Sourced<Ingress> was = old.get(nn);
            if (was == null) continue;
            Keyed k = keys.get(nn);
            oldKeys.put(nn, k != null && k.ingress() == was.object() ? k : keyed(was.object()));
        }
        Map<NamespacedName, Keyed> keysNow = new HashMap<>();
        Map<String, List<NamespacedName>> byName = new HashMap<>();
        Map<String, List<NamespacedName>> byUnder = new HashMap<>();
        for (Sourced<Ingress> s : now) {
            NamespacedName nn = NamespacedName.of(s.object());
            Keyed k = keys.get(nn);
            if (k == null || k.ingress() != s.object()) k = keyed(s.object());
            keysNow.put(nn, k);
            for (String key : k.names()) byName.computeIfAbsent(key, x -> new ArrayList<>()).add(nn);
            for (String key : k.under()) byUnder.computeIfAbsent(key, x -> new ArrayList<>()).add(nn);
        }
        keys = keysNow;

        // the group: the changed Ingresses and, through their old and new keys, every Ingress they meet
        Set<NamespacedName> group = new HashSet<>(dirty);
        Set<String> groupKeys = new HashSet<>();
        Set<String> underSeen = new HashSet<>();
        ArrayDeque<NamespacedName> queue = new ArrayDeque<>(dirty);
        while (!queue.isEmpty()) {
            NamespacedName nn = queue.poll();
            for (Keyed k : new Keyed[] {oldKeys.get(nn), keysNow.get(nn)}) {
                if (k == null) continue;
                for (String key : k.names()) {
                    if (!groupKeys.add(key)) continue;
                    for (NamespacedName other : byName.getOrDefault(key, List.of())) {
                        if (group.add(other)) queue.add(other);
                    }
                    for (NamespacedName other : byUnder.getOrDefault(key, List.of())) {
                        if (group.add(other)) queue.add(other);
                    }
                }
                for (String key : k.under()) {
                    if (!underSeen.add(key)) continue;
                    for (NamespacedName other : byName.getOrDefault(key, List.of())) {
                        if (group.add(other)) queue.add(other);
                    }
                }
            }
        }
        List<Sourced<Ingress>> members = now.stream().filter(s -> group.contains(NamespacedName.of(s.object())))
                .toList();
        IngressTranslation part = translate.apply(members);
        return replace(last, part, now, group, groupKeys);
    }

    /** {@code last} with the group's part replaced by {@code part}. */
    private static IngressTranslation replace(IngressTranslation last, IngressTranslation part,
                                              List<Sourced<Ingress>> now, Set<NamespacedName> group,
                                              Set<String> groupKeys) {
        HttpState was = last.http();
        RouteTable table = (RouteTable) was.router();
        RouteConfig config = table.config();
        HttpState partHttp = part.http();
        RouteConfig partConfig = ((RouteTable) partHttp.router()).config();
        List<VirtualHost> hosts = new ArrayList<>();
        for (VirtualHost vh : config.hosts()) {
            if (!groupKeys.contains(vh.host())) hosts.add(vh);
        }
        hosts.addAll(partConfig.hosts());
        hosts.sort(Comparator.comparing(VirtualHost::host));
        RouteConfig merged = new RouteConfig(hosts, groupKeys.contains(DEFAULT) ? partConfig.defaultRoute()
                : config.defaultRoute(), config.httpsPort(), config.globals());
        Map<String, TlsCertificate> certificates = merge(was.certificates(), partHttp.certificates(), groupKeys);
        Map<String, ClientAuth> clientAuth = merge(was.clientAuth(), partHttp.clientAuth(), groupKeys);
        Map<String, HttpCluster> passthrough = merge(was.passthrough(), partHttp.passthrough(), groupKeys);
        HttpState http = new HttpState(was.http(), was.https(), RouteTable.derive(table, merged), certificates,
                was.defaultCertificate(), clientAuth, passthrough, was.edge());

        List<Problem> problems = new ArrayList<>();
        for (Problem p : last.problems()) {
            if (!of(p, group)) problems.add(p);
        }
        for (Problem p : part.problems()) {
            if (of(p, group)) problems.add(p); // the rest (default backend Service, status addresses) is global
        }
        Map<NamespacedName, Ingress> handled = byName(last.handled(), part.handled(), group);
        Map<NamespacedName, Ingress> others = byName(last.others(), part.others(), group);
        List<Ingress> handledNow = new ArrayList<>();
        List<Ingress> othersNow = new ArrayList<>();
        for (Sourced<Ingress> s : now) {
            NamespacedName nn = NamespacedName.of(s.object());
            Ingress h = handled.get(nn);
            if (h != null) handledNow.add(h);
            Ingress o = others.get(nn);
            if (o != null) othersNow.add(o);
        }
        return new IngressTranslation(http, handledNow, othersNow, problems, last.l4());
    }

    private static boolean of(Problem p, Set<NamespacedName> group) {
        return p.object().kind().equals("Ingress")
                && group.contains(new NamespacedName(p.object().namespace(), p.object().name()));
    }

    private static <V> Map<String, V> merge(Map<String, V> last, Map<String, V> part, Set<String> groupKeys) {
        if (last.isEmpty() && part.isEmpty()) return last;
        Map<String, V> out = new LinkedHashMap<>();
        last.forEach((k, v) -> {
            if (!groupKeys.contains(k)) out.put(k, v);
        });
        out.putAll(part);
        return out;
    }

    private static Map<NamespacedName, Ingress> byName(List<Ingress> last, List<Ingress> part,
                                                       Set<NamespacedName> group) {
        Map<NamespacedName, Ingress> out = new HashMap<>();
        for (Ingress i : last) {
            NamespacedName nn = NamespacedName.of(i);
            if (!group.contains(nn)) out.put(nn, i);
        }
        for (Ingress i : part) out.put(NamespacedName.of(i), i);
        return out;
    }

    private static Map<NamespacedName, Sourced<Ingress>> byName(List<Sourced<Ingress>> list) {
        Map<NamespacedName, Sourced<Ingress>> out = new HashMap<>();
        for (Sourced<Ingress> s : list) out.put(NamespacedName.of(s.object()), s);
        return out;
    }

    private static Keyed keyed(Ingress ing) {
        Set<String> names = keysOf(ing);
        Set<String> under = new HashSet<>();
        for (String n : names) {
            int dot = n.indexOf('.');
            if (dot > 0 && !n.startsWith("*.")) under.add("*" + n.substring(dot));
        }
        return new Keyed(ing, names, under);
    }

    /** The names through which an Ingress's translation can meet another's (see the class comment). */
    static Set<String> keysOf(Ingress ing) {
        Set<String> names = new LinkedHashSet<>();
        var spec = ing.getSpec();
        if (spec != null) {
            if (spec.getRules() != null) {
                for (IngressRule r : spec.getRules()) names.add(lower(r.getHost()));
            }
            if (spec.getTls() != null) {
                for (IngressTLS t : spec.getTls()) {
                    if (t.getHosts() != null) t.getHosts().forEach(h -> names.add(lower(h)));
                }
            }
        }
        Map<String, String> a = ing.getMetadata().getAnnotations();
        if (a != null) {
            for (String prefix : List.of(AnnotationReader.NGINX, AnnotationReader.KUBEWAY)) {
                String v = a.get(prefix + ALIAS);
                if (v == null) continue;
                for (String part : v.split(",")) names.add(lower(part.strip()));
            }
        }
        Set<String> out = new HashSet<>(names);
        if (spec != null && spec.getDefaultBackend() != null) out.add(DEFAULT);
        return out;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
