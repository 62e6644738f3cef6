package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Ingresses are Kubeway's:
 * <ul>
 *   <li>{@code spec.ingressClassName} names an IngressClass whose {@code spec.controller} is ours;</li>
 *   <li>else the legacy {@code kubernetes.io/ingress.class} annotation names such a class, or equals
 *       {@code --ingress-class} (as ingress-nginx accepts it);</li>
 *   <li>else (no class at all) the default IngressClass ({@code ingressclass.kubernetes.io/is-default-class:
 *       "true"}) is ours, as the API server's DefaultIngressClass admission would have set it; with more than one
 *       default class that admission refuses class-less Ingresses, so they are not handled (with a warning);</li>
 *   <li>or {@code --watch-ingress-without-class} takes every class-less Ingress.</li>
 * </ul>
 * With no IngressClass object at all (common in standalone manifests) Kubeway behaves as if a default class named
 * {@code --ingress-class} with its controller existed.
 */
final class IngressClassFilter {
    static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

    private final IngressOptions options;
    private final Set<String> ours = new HashSet<>();
    private final List<IngressClass> defaults = new ArrayList<>();
    /** No IngressClass at all: an implied default class named --ingress-class is ours. */
    private final boolean implied;

    IngressClassFilter(List<IngressClass> classes, IngressOptions options) {
        this.options = options;
        this.implied = classes.isEmpty();
        if (implied) ours.add(options.ingressClass());
        for (IngressClass c : classes) {
            String name = c.getMetadata() == null ? null : c.getMetadata().getName();
            if (name == null) continue;
            if (c.getSpec() != null && options.controllerName().equals(c.getSpec().getController())) ours.add(name);
            Map<String, String> a = c.getMetadata().getAnnotations();
            if (a != null && "true".equals(a.get(DEFAULT_CLASS_ANNOTATION))) defaults.add(c);
        }
    }

    /** Whether Kubeway handles this Ingress; may add a warning when the answer is "no" for a reason to fix. */
    boolean handles(Ingress ing, @Nullable String source, List<Problem> problems) {
        String className = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
        if (className != null) return ours.contains(className);
        Map<String, String> a = ing.getMetadata().getAnnotations();
        String annotated = a == null ? null : a.get(IngressValidation.CLASS_ANNOTATION);
        if (annotated != null && !annotated.isEmpty()) {
            return ours.contains(annotated) || annotated.equals(options.ingressClass());
        }
        if (options.watchWithoutClass()) return true;
        if (defaults.isEmpty()) return implied;
        boolean anyOurs = defaults.stream().anyMatch(c -> ours.contains(c.getMetadata().getName()));
        if (defaults.size() > 1) {
            if (anyOurs) {
                problems.add(Problem.warning(ObjectRef.of(ing), source, "AmbiguousDefaultClass", defaults.size()
                        + " default IngressClasses were found, only 1 allowed; set spec.ingressClassName"));
            }
            return false;
        }
        return anyOurs;
    }
}
