package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.kubeway.core.FieldError;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.KubeNames;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ingress validation as the API server does it on create ({@code ValidateIngressCreate} of
 * {@code pkg/apis/networking/validation}, Kubernetes 1.35, feature gates at their defaults), with its messages:
 * metadata (name a DNS subdomain, namespace a DNS label, labels and annotations), rules (host a DNS name or
 * {@code *.} wildcard, not an IP), paths (pathType required; Exact and Prefix absolute without {@code //},
 * {@code /./}, {@code /../}, {@code %2f}, and not ending in {@code /..} or {@code /.}), backends (exactly one of
 * service or resource; a DNS-1035 Service name; port name xor number), tls hosts and secret names,
 * ingressClassName, and the legacy class annotation agreeing with it. Like the API server's aggregate, the
 * same message is reported once.
 */
public final class IngressValidation {
    static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
    private static final long ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

    private IngressValidation() {
    }

    /** The API server's errors for creating this Ingress; empty when it would be accepted. */
    public static List<FieldError> validate(Ingress ing) {
        List<FieldError> errs = new ArrayList<>();
        meta(ing.getMetadata() == null ? new ObjectMeta() : ing.getMetadata(), errs);
        IngressSpec spec = ing.getSpec() == null ? new IngressSpec() : ing.getSpec();
        spec(spec, errs);
        Map<String, String> annotations = ing.getMetadata() == null ? null : ing.getMetadata().getAnnotations();
        String annotated = annotations == null ? null : annotations.get(CLASS_ANNOTATION);
        if (annotated != null && spec.getIngressClassName() != null && !annotated.equals(spec.getIngressClassName())) {
            errs.add(FieldError.invalid("annotations." + CLASS_ANNOTATION, annotated,
                    "must match `ingressClassName` when both are specified"));
        }
        Map<String, FieldError> unique = new LinkedHashMap<>();
        errs.forEach(e -> unique.putIfAbsent(e.message(), e));
        return List.copyOf(unique.values());
    }

    private static void meta(ObjectMeta meta, List<FieldError> errs) {
        String generateName = str(meta.getGenerateName());
        if (!generateName.isEmpty()) {
            String masked = generateName.endsWith("-")
                    ? (generateName.length() >= 2 ? generateName.substring(0, generateName.length() - 2) : "") + "a"
                    : generateName;
            KubeNames.dns1123Subdomain(masked).forEach(m -> errs.add(FieldError.invalid("metadata.generateName",
                    generateName, m)));
        }
        String name = str(meta.getName());
        if (name.isEmpty()) {
            if (generateName.isEmpty()) {
                errs.add(FieldError.required("metadata.name", "name or generateName is required"));
            }
        } else {
            KubeNames.dns1123Subdomain(name).forEach(m -> errs.add(FieldError.invalid("metadata.name", name, m)));
        }
        String ns = str(meta.getNamespace());
        if (ns.isEmpty()) {
            errs.add(FieldError.required("metadata.namespace", ""));
        } else {
            KubeNames.dns1123Label(ns).forEach(m -> errs.add(FieldError.invalid("metadata.namespace", ns, m)));
        }
        if (meta.getGeneration() != null && meta.getGeneration() < 0) {
            errs.add(FieldError.invalid("metadata.generation", meta.getGeneration(),
                    "must be greater than or equal to 0"));
        }
        if (meta.getLabels() != null) {
            new TreeMap<>(meta.getLabels()).forEach((k, v) -> {
                KubeNames.labelKey(k).forEach(m -> errs.add(FieldError.invalid("metadata.labels", k, m)));
                KubeNames.labelValue(str(v)).forEach(m -> errs.add(FieldError.invalid("metadata.labels", str(v), m)));
            });
        }
        if (meta.getAnnotations() != null) {
            long size = 0;
            for (Map.Entry<String, String> e : new TreeMap<>(meta.getAnnotations()).entrySet()) {
                KubeNames.labelKey(e.getKey().toLowerCase(java.util.Locale.ROOT))
                        .forEach(m -> errs.add(FieldError.invalid("metadata.annotations", e.getKey(), m)));
                size += KubeNames.byteLength(e.getKey()) + KubeNames.byteLength(str(e.getValue()));
            }
            if (size > ANNOTATIONS_SIZE_LIMIT) {
                errs.add(new FieldError(FieldError.Type.TOO_LONG, "metadata.annotations", null,
                        "must have at most " + ANNOTATIONS_SIZE_LIMIT + " bytes"));
            }
        }
    }

    private static void spec(IngressSpec spec, List<FieldError> errs) {
        List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
        if (rules.isEmpty() && spec.getDefaultBackend() == null) {
            errs.add(FieldError.invalid("spec", new GoText("[]networking.IngressRule(nil)"),
                    "either `defaultBackend` or `rules` must be specified"));
        }
        if (spec.getDefaultBackend() != null) backend(spec.getDefaultBackend(), "spec.defaultBackend", errs);
        for (int i = 0; i < rules.size(); i++) rule(rules.get(i), "spec.rules[" + i + "]", errs);
        List<IngressTLS> tls = spec.getTls() == null ? List.of() : spec.getTls();
        for (int t = 0; t < tls.size(); t++) {
            List<String> hosts = tls.get(t).getHosts() == null ? List.of() : tls.get(t).getHosts();
            for (int i = 0; i < hosts.size(); i++) {
                String host = str(hosts.get(i));
                String field = "spec.tls[" + t + "].hosts[" + i + "]";
                List<String> msgs = host.contains("*") ? KubeNames.wildcardDns1123Subdomain(host)
                        : KubeNames.dns1123Subdomain(host);
                msgs.forEach(m -> errs.add(FieldError.invalid(field, host, m)));
            }
            String secret = str(tls.get(t).getSecretName());
            if (!secret.isEmpty()) {
                String field = "spec.tls[" + t + "].secretName";
                KubeNames.dns1123Subdomain(secret).forEach(m -> errs.add(FieldError.invalid(field, secret, m)));
            }
        }
        if (spec.getIngressClassName() != null) {
            String cls = spec.getIngressClassName();
            KubeNames.dns1123Subdomain(cls).forEach(m -> errs.add(FieldError.invalid("spec.ingressClassName", cls, m)));
        }
    }

    private static void rule(IngressRule rule, String field, List<FieldError> errs) {
        String host = str(rule.getHost());
        if (!host.isEmpty()) {
            if (IpLiterals.parse(host) != null) {
                errs.add(FieldError.invalid(field + ".host", host, "must be a DNS name, not an IP address"));
            }
            List<String> msgs = host.contains("*") ? KubeNames.wildcardDns1123Subdomain(host)
                    : KubeNames.dns1123Subdomain(host);
            msgs.forEach(m -> errs.add(FieldError.invalid(field + ".host", host, m)));
        }
        if (rule.getHttp() == null) return;
        List<HTTPIngressPath> paths = rule.getHttp().getPaths() == null ? List.of() : rule.getHttp().getPaths();
        if (paths.isEmpty()) errs.add(FieldError.required(field + ".http.paths", ""));
        for (int i = 0; i < paths.size(); i++) path(paths.get(i), field + ".http.paths[" + i + "]", errs);
    }

    private static void path(HTTPIngressPath p, String field, List<FieldError> errs) {
        String type = p.getPathType();
        if (type == null) {
            errs.add(FieldError.required(field + ".pathType", "pathType must be specified"));
            return;
        }
        String path = str(p.getPath());
        switch (type) {
            case "Exact", "Prefix" -> {
                if (!path.startsWith("/")) {
                    errs.add(FieldError.invalid(field + ".path", path, "must be an absolute path"));
                }
                if (!path.isEmpty()) {
                    for (String seq : List.of("//", "/./", "/../", "%2f", "%2F")) {
                        if (path.contains(seq)) {
                            errs.add(FieldError.invalid(field + ".path", path, "must not contain '" + seq + "'"));
                        }
                    }
                    for (String suffix : List.of("/..", "/.")) {
                        if (path.endsWith(suffix)) {
                            errs.add(FieldError.invalid(field + ".path", path, "cannot end with '" + suffix + "'"));
                        }
                    }
                }
            }
            case "ImplementationSpecific" -> {
                if (!path.isEmpty() && !path.startsWith("/")) {
                    errs.add(FieldError.invalid(field + ".path", path, "must be an absolute path"));
                }
            }
            default -> errs.add(FieldError.notSupported(field + ".pathType", type,
                    List.of("Exact", "ImplementationSpecific", "Prefix")));
        }
        backend(p.getBackend() == null ? new IngressBackend() : p.getBackend(), field + ".backend", errs);
    }

    private static void backend(IngressBackend b, String field, List<FieldError> errs) {
        boolean resource = b.getResource() != null;
        boolean service = b.getService() != null;
        if (resource && service) {
            errs.add(FieldError.invalid(field, "", "cannot set both resource and service backends"));
        } else if (resource) {
            resource(b.getResource(), field + ".resource", errs);
        } else if (service) {
            String name = str(b.getService().getName());
            if (name.isEmpty()) {
                errs.add(FieldError.required(field + ".service.name", ""));
            } else {
                KubeNames.dns1035Label(name).forEach(m -> errs.add(FieldError.invalid(field + ".service.name", name, m)));
            }
            String portName = b.getService().getPort() == null ? "" : str(b.getService().getPort().getName());
            Integer number = b.getService().getPort() == null ? null : b.getService().getPort().getNumber();
            boolean hasNumber = number != null && number != 0;
            if (!portName.isEmpty() && hasNumber) {
                errs.add(FieldError.invalid(field, "", "cannot set both port name & port number"));
            } else if (!portName.isEmpty()) {
                KubeNames.portName(portName).forEach(m -> errs.add(FieldError.invalid(field + ".service.port.name",
                        portName, m)));
            } else if (hasNumber) {
                KubeNames.portNum(number).forEach(m -> errs.add(FieldError.invalid(field + ".service.port.number",
                        number, m)));
            } else {
                errs.add(FieldError.required(field, "port name or number is required"));
            }
        } else {
            errs.add(FieldError.invalid(field, "", "resource or service backend is required"));
        }
    }

    private static void resource(TypedLocalObjectReference r, String field, List<FieldError> errs) {
        if (r.getApiGroup() != null) {
            String group = r.getApiGroup();
            KubeNames.dns1123Subdomain(group).forEach(m -> errs.add(FieldError.invalid(field + ".apiGroup", group, m)));
        }
        for (String part : List.of("kind", "name")) {
            String v = str(part.equals("kind") ? r.getKind() : r.getName());
            if (v.isEmpty()) {
                errs.add(FieldError.required(field + "." + part, ""));
            } else {
                pathSegmentName(v).forEach(m -> errs.add(FieldError.invalid(field + "." + part, v, m)));
            }
        }
    }

    /** {@code content.IsPathSegmentName}. */
    static List<String> pathSegmentName(String v) {
        if (v.equals(".") || v.equals("..")) return List.of("may not be '" + v + "'");
        List<String> errs = new ArrayList<>();
        if (v.contains("/")) errs.add("may not contain '/'");
        if (v.contains("%")) errs.add("may not contain '%'");
        return errs;
    }

    private static String str(String s) {
        return s == null ? "" : s;
    }

    /** A bad value the API server prints with Go's {@code %#v}, kept as its exact text. */
    record GoText(String text) {
        @Override
        public String toString() {
            return text;
        }
    }
}
