package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassParametersReference;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassSpec;
import io.kubeway.core.FieldError;
import io.kubeway.core.KubeNames;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * IngressClass validation as the API server does it on create ({@code ValidateIngressClass} of
 * {@code pkg/apis/networking/validation}, Kubernetes 1.35), with its messages: the name a DNS subdomain,
 * {@code spec.controller} a domain-prefixed path ({@code acme.io/ingress-controller}) of at most 250 characters,
 * and {@code spec.parameters} a typed reference whose {@code scope} (defaulted to {@code Cluster}) agrees with
 * its namespace. An IngressClass the API server would refuse does not exist for Kubeway: it names no controller.
 *
 * <p>Not checked: {@code metadata.namespace}, which the file source sets on every object, and the
 * immutability of {@code spec.controller} (an update rule; a changed controller simply applies).
 */
public final class IngressClassValidation {
    static final int MAX_CONTROLLER_LENGTH = 250;
    private static final String HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
    private static final Pattern HTTP_PATH = Pattern.compile(HTTP_PATH_FMT);

    private IngressClassValidation() {
    }

    /** The API server's errors for creating this IngressClass; empty when it would be accepted. */
    public static List<FieldError> validate(IngressClass c) {
        List<FieldError> errs = new ArrayList<>();
        String name = c.getMetadata() == null || c.getMetadata().getName() == null ? "" : c.getMetadata().getName();
        if (name.isEmpty()) {
            errs.add(FieldError.required("metadata.name", "name or generateName is required"));
        } else {
            KubeNames.dns1123Subdomain(name).forEach(m -> errs.add(FieldError.invalid("metadata.name", name, m)));
        }
        IngressClassSpec spec = c.getSpec() == null ? new IngressClassSpec() : c.getSpec();
        controllerName("spec.controller", spec.getController() == null ? "" : spec.getController(), errs);
        if (spec.getParameters() != null) parameters(spec.getParameters(), "spec.parameters", errs);
        return List.copyOf(errs);
    }

    /**
     * A controller name as {@code spec.controller} takes it (at most 250 bytes, a domain-prefixed path); also
     * checks {@code --controller-class}.
     */
    public static void controllerName(String field, String controller, List<FieldError> errs) {
        if (controller.length() > MAX_CONTROLLER_LENGTH) {
            errs.add(new FieldError(FieldError.Type.TOO_LONG, field, null,
                    "may not be more than " + MAX_CONTROLLER_LENGTH + " bytes"));
        }
        domainPrefixedPath(field, controller, errs);
    }

    /** {@code IsDomainPrefixedPath}: a DNS subdomain, a slash, then HTTP path characters. */
    static void domainPrefixedPath(String field, String value, List<FieldError> errs) {
        if (value.isEmpty()) {
            errs.add(FieldError.required(field, ""));
            return;
        }
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            errs.add(FieldError.invalid(field, value, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }
        String host = value.substring(0, slash);
        KubeNames.dns1123Subdomain(host).forEach(m -> errs.add(FieldError.invalid(field, host, m)));
        String path = value.substring(slash + 1);
        if (!HTTP_PATH.matcher(path).matches()) {
            errs.add(FieldError.invalid(field, path, "Invalid path (regex used for validation is '" + HTTP_PATH_FMT + "')"));
        }
    }

    private static void parameters(IngressClassParametersReference p, String field, List<FieldError> errs) {
        if (p.getApiGroup() != null) {
            String group = p.getApiGroup();
            KubeNames.dns1123Subdomain(group).forEach(m -> errs.add(FieldError.invalid(field + ".apiGroup", group, m)));
        }
        for (String part : List.of("kind", "name")) {
            String v = part.equals("kind") ? p.getKind() : p.getName();
            if (v == null || v.isEmpty()) {
                errs.add(FieldError.required(field + "." + part, ""));
            } else {
                IngressValidation.pathSegmentName(v).forEach(m -> errs.add(FieldError.invalid(field + "." + part, v, m)));
            }
        }
        String scope = p.getScope() == null ? "Cluster" : p.getScope(); // SetDefaults_IngressClass
        switch (scope) {
            case "Namespace" -> {
                if (p.getNamespace() == null) {
                    errs.add(FieldError.required(field + ".namespace", "`parameters.scope` is set to 'Namespace'"));
                } else {
                    String ns = p.getNamespace();
                    KubeNames.dns1123Label(ns).forEach(m -> errs.add(FieldError.invalid(field + ".namespace", ns, m)));
                }
            }
            case "Cluster" -> {
                if (p.getNamespace() != null) {
                    errs.add(FieldError.forbidden(field + ".namespace", "`parameters.scope` is set to 'Cluster'"));
                }
            }
            default -> errs.add(FieldError.notSupported(field + ".scope", scope, List.of("Cluster", "Namespace")));
        }
    }
}
