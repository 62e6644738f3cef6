package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.kubeway.core.NamespacedName;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.http.TlsCertificate;
import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which certificate each TLS host presents, merged across Ingresses (oldest first):
 * <ul>
 *   <li>a host listed in a {@code spec.tls[].hosts} is a TLS host (HTTP is redirected to HTTPS), whether or not
 *       its Secret is usable; without {@code secretName} it is served with the default certificate;</li>
 *   <li>the oldest Ingress listing a host owns its certificate; a younger one naming another Secret for it gets
 *       a Conflict warning;</li>
 *   <li>as in ingress-nginx, a rule host of an Ingress that its {@code tls.hosts} do not list still gets TLS when
 *       one of that Ingress's TLS certificates names it (subjectAltName, one-label wildcards included);</li>
 *   <li>a missing or broken Secret gives a warning and no certificate (the controller may substitute the last
 *       good Secret before translating).</li>
 * </ul>
 */
final class TlsAssignment {
    private final Map<NamespacedName, Secret> secrets;
    private final java.util.function.Function<Secret, TlsSecrets.Result> parser;
    private final Map<NamespacedName, TlsSecrets.Result> parsed = new HashMap<>();
    private final Map<String, Owner> owners = new LinkedHashMap<>();
    private final Set<String> tlsHosts = new HashSet<>();

    /** The Ingress and Secret that own a host's certificate; {@code certificate} null when the Secret is unusable. */
    private record Owner(String ingress, @Nullable NamespacedName secret, @Nullable TlsCertificate certificate) {
    }

    TlsAssignment(List<ClusterSnapshot.Sourced<Secret>> secrets) {
        Map<NamespacedName, Secret> all = new HashMap<>();
        secrets.forEach(s -> all.put(NamespacedName.of(s.object()), s.object()));
        this.secrets = all;
        this.parser = TlsSecrets::parse;
    }

    /**
     * @param secrets looked up by name (the translation records which)
     * @param parser  {@link TlsSecrets#parse}, or a cache of it (parsing checks signatures: at 250 TLS Secrets that
     *                was most of a translation)
     */
    TlsAssignment(Map<NamespacedName, Secret> secrets, java.util.function.Function<Secret, TlsSecrets.Result> parser) {
        this.secrets = secrets;
        this.parser = parser;
    }

    /** Adds one Ingress's TLS; call in age order. */
    void add(IngressEntry e, Set<String> ruleHosts) {
        List<IngressTLS> tls = e.ingress().getSpec().getTls();
        if (tls == null || tls.isEmpty()) return;
        Set<String> listed = new HashSet<>();
        Map<TlsSecrets.Result.Ok, NamespacedName> usable = new LinkedHashMap<>();
        for (IngressTLS t : tls) {
            String secretName = t.getSecretName();
            NamespacedName nn = secretName == null || secretName.isEmpty() ? null
                    : new NamespacedName(e.namespace(), secretName);
            List<String> hosts = t.getHosts() == null ? List.of()
                    : t.getHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            TlsSecrets.Result r = nn == null ? null : secret(e, nn, hosts);
            TlsCertificate cert = r instanceof TlsSecrets.Result.Ok ok ? ok.certificate() : null;
            if (r instanceof TlsSecrets.Result.Ok ok) usable.put(ok, nn);
            for (String host : hosts) {
                listed.add(host);
                tlsHosts.add(host);
                claim(e, host, nn, cert);
            }
        }
        for (String host : ruleHosts) {
            if (host.isEmpty() || listed.contains(host)) continue;
            for (Map.Entry<TlsSecrets.Result.Ok, NamespacedName> u : usable.entrySet()) {
                if (covers(u.getKey().dnsNames(), host)) {
                    tlsHosts.add(host);
                    claim(e, host, u.getValue(), u.getKey().certificate());
                    break;
                }
            }
        }
    }

    private TlsSecrets.@Nullable Result secret(IngressEntry e, NamespacedName nn, List<String> hosts) {
        Secret s = secrets.get(nn);
        if (s == null) {
            e.warn("SecretNotFound", "secret " + nn + " not found; hosts " + hosts + " get no certificate from it");
            return null;
        }
        TlsSecrets.Result r = parsed.computeIfAbsent(nn, k -> parser.apply(s));
        if (r instanceof TlsSecrets.Result.Invalid invalid) {
            e.warn("InvalidSecret", invalid.message() + "; hosts " + hosts + " get no certificate from it");
        }
        return r;
    }

    private void claim(IngressEntry e, String host, @Nullable NamespacedName secret, @Nullable TlsCertificate cert) {
        Owner owner = owners.get(host);
        if (owner == null) {
            owners.put(host, new Owner(e.name(), secret, cert));
        } else if (!java.util.Objects.equals(owner.secret, secret)) {
            e.warn("Conflict", "TLS for host \"" + host + "\" is already configured by Ingress " + owner.ingress
                    + " (" + (owner.secret == null ? "default certificate" : "secret " + owner.secret) + "); "
                    + (secret == null ? "the default certificate" : "secret " + secret) + " ignored for it");
        }
    }

    /** Certificates by SNI name (exact or wildcard host). */
    Map<String, TlsCertificate> certificates() {
        Map<String, TlsCertificate> out = new LinkedHashMap<>();
        owners.forEach((host, o) -> {
            if (o.certificate != null) out.put(host, o.certificate);
        });
        return out;
    }

    /** Whether a rule host is served over TLS: listed itself, or covered by a listed one-label wildcard. */
    boolean isTls(String host) {
        if (host.isEmpty()) return false;
        if (tlsHosts.contains(host)) return true;
        int dot = host.indexOf('.');
        return !host.startsWith("*.") && dot > 0 && tlsHosts.contains("*." + host.substring(dot + 1));
    }

    static boolean covers(List<String> dnsNames, String host) {
        int dot = host.indexOf('.');
        for (String name : dnsNames) {
            if (name.equals(host)) return true;
            if (name.startsWith("*.") && dot > 0 && !host.startsWith("*.")
                    && host.substring(dot + 1).equals(name.substring(2))) {
                return true;
            }
        }
        return false;
    }
}
