package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which Ingresses are Kubeway's, with ingress-nginx's rules ({@code --controller-class}, {@code --ingress-class},
 * {@code --ingress-class-by-name}, {@code --watch-ingress-without-class}):
 * <ul>
 *   <li>{@code spec.ingressClassName} names an IngressClass that is ours: its {@code spec.controller} is one of
 *       {@link IngressOptions#controllers()} (Kubeway's own, and what {@code --controller-class} adds), or, with
 *       {@code --ingress-class-by-name}, its name is {@code --ingress-class} whatever its controller;</li>
 *   <li>else the legacy {@code kubernetes.io/ingress.class} annotation names such a class, or equals
 *       {@code --ingress-class} (as ingress-nginx accepts it);</li>
 *   <li>else (no class at all) the default IngressClass ({@code ingressclass.kubernetes.io/is-default-class:
 *       "true"}) is ours, as the API server's DefaultIngressClass admission would have set it; with more than one
 *       default class that admission refuses class-less Ingresses, so they are not handled (with a warning);</li>
 *   <li>or {@code --watch-ingress-without-class} takes every class-less Ingress.</li>
 * </ul>
 * With no IngressClass object at all (common in standalone manifests) Kubeway behaves as if a default class named
 * {@code --ingress-class} with its controller existed, and, for each controller it claims whose installation
 * creates a well-known class ({@link #KNOWN_CLASSES}: ingress-nginx's {@code nginx}), that class too: so
 * {@code --controller-class k8s.io/ingress-nginx} serves {@code ingressClassName: nginx} from a folder without the
 * IngressClass that ingress-nginx's installation would have created.
 */
final class IngressClassFilter {
    static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
    /** The reason of the warning for an Ingress of another class. */
    static final String NOT_OURS = "OtherClass";
    /** ingress-nginx's controller name, and the IngressClass its installation creates. */
    static final String INGRESS_NGINX = "k8s.io/ingress-nginx";
    /** The IngressClass each well-known controller's installation creates, for the implied classes. */
    static final Map<String, String> KNOWN_CLASSES = Map.of(INGRESS_NGINX, "nginx");

    private final IngressOptions options;
    /** Class names Kubeway serves, each with why (for messages): "--ingress-class", a controller, ... */
    private final Map<String, String> ours = new HashMap<>();
    private final List<IngressClass> defaults = new ArrayList<>();
    private final Map<String, IngressClass> classes = new HashMap<>();
    /** No IngressClass at all: implied default classes are ours. */
    private final boolean implied;

    IngressClassFilter(List<IngressClass> classes, IngressOptions options) {
        this.options = options;
        this.implied = classes.isEmpty();
        if (implied) {
            ours.put(options.ingressClass(), "--ingress-class");
            for (String controller : options.controllers()) {
                String known = KNOWN_CLASSES.get(controller);
                if (known != null) ours.putIfAbsent(known, "--controller-class " + controller);
            }
        }
        for (IngressClass c : classes) {
            String name = c.getMetadata() == null ? null : c.getMetadata().getName();
            if (name == null) continue;
            this.classes.put(name, c);
            String controller = c.getSpec() == null ? null : c.getSpec().getController();
            if (controller != null && options.controllers().contains(controller)) ours.put(name, controller);
            else if (options.ingressClassByName() && name.equals(options.ingressClass())) {
                ours.put(name, "--ingress-class-by-name");
            }
            Map<String, String> a = c.getMetadata().getAnnotations();
            if (a != null && "true".equals(a.get(DEFAULT_CLASS_ANNOTATION))) defaults.add(c);
        }
    }

    /**
     * Whether Kubeway handles this Ingress. When it does not, a warning says which class the Ingress has and which
     * classes Kubeway answers: nothing Kubeway reads is left out in silence.
     */
    boolean handles(Ingress ing, @Nullable String source, List<Problem> problems) {
        String className = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
        if (className != null) {
            return ours.containsKey(className) || skip(ing, source, problems, "its class is \"" + className
                    + "\" (spec.ingressClassName)" + whose(className) + "; kubeway answers " + answers());
        }
        Map<String, String> a = ing.getMetadata().getAnnotations();
        String annotated = a == null ? null : a.get(IngressValidation.CLASS_ANNOTATION);
        if (annotated != null && !annotated.isEmpty()) {
            return ours.containsKey(annotated) || annotated.equals(options.ingressClass())
                    || skip(ing, source, problems, "its class is \"" + annotated + "\" (annotation "
                    + IngressValidation.CLASS_ANNOTATION + ")" + whose(annotated) + "; kubeway answers "
                    + (implied ? answers() : answers() + ", and class \"" + options.ingressClass()
                    + "\" (--ingress-class) in this annotation"));
        }
        if (options.watchWithoutClass()) return true;
        if (defaults.isEmpty()) {
            return implied || skip(ing, source, problems, "it has no class and no IngressClass is the default ("
                    + DEFAULT_CLASS_ANNOTATION + "); kubeway answers " + answers()
                    + ", and class-less Ingresses with --watch-ingress-without-class");
        }
        boolean anyOurs = defaults.stream().anyMatch(c -> ours.containsKey(c.getMetadata().getName()));
        if (defaults.size() > 1) {
            if (anyOurs) {
                problems.add(Problem.warning(ObjectRef.of(ing), source, "AmbiguousDefaultClass", defaults.size()
                        + " default IngressClasses were found, only 1 allowed; set spec.ingressClassName"));
                return false;
            }
            return skip(ing, source, problems, "it has no class and none of the " + defaults.size()
                    + " default IngressClasses is kubeway's; kubeway answers " + answers());
        }
        String dflt = defaults.get(0).getMetadata().getName();
        return anyOurs || skip(ing, source, problems, "it has no class, so it takes the default IngressClass \""
                + dflt + "\"" + whose(dflt) + "; kubeway answers " + answers());
    }

    /** What makes a class name not ours, after the name: its controller, or that it does not exist. */
    private String whose(String className) {
        if (implied) {
            return KNOWN_CLASSES.entrySet().stream().filter(e -> e.getValue().equals(className))
                    .map(e -> " (--controller-class " + e.getKey() + " serves it)").findFirst().orElse("");
        }
        IngressClass c = classes.get(className);
        if (c == null) return ", and no IngressClass \"" + className + "\" exists";
        String controller = c.getSpec() == null ? null : c.getSpec().getController();
        return ", whose controller is " + controller + " (--controller-class " + controller + " serves it)";
    }

    private boolean skip(Ingress ing, @Nullable String source, List<Problem> problems, String why) {
        problems.add(Problem.warning(ObjectRef.of(ing), source, NOT_OURS, "not served: " + why));
        return false;
    }

    /** Which classes Kubeway answers, for messages. */
    private String answers() {
        if (implied) {
            List<String> each = new TreeSet<>(ours.keySet()).stream()
                    .map(n -> "\"" + n + "\" (" + ours.get(n) + ")").toList();
            return (each.size() == 1 ? "class " : "classes ") + String.join(" and ", each);
        }
        String controllers = String.join(" or ", new TreeSet<>(options.controllers()));
        return "the IngressClasses whose controller is " + controllers
                + (options.ingressClassByName() ? " or whose name is \"" + options.ingressClass()
                + "\" (--ingress-class-by-name)" : "") + " ("
                + (ours.isEmpty() ? "there is none" : "\"" + String.join("\", \"", new TreeSet<>(ours.keySet())) + "\"")
                + ")";
    }
}
