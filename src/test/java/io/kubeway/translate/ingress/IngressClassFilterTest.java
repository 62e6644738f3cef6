package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.kubeway.core.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Ingresses Kubeway handles. */
class IngressClassFilterTest {
    private static final IngressClass KW = cls("kw", IngressOptions.CONTROLLER_NAME, false);
    private static final IngressClass KW_DEFAULT = cls("kw", IngressOptions.CONTROLLER_NAME, true);
    private static final IngressClass NGINX = cls("nginx", "k8s.io/ingress-nginx", false);
    private static final IngressClass NGINX_DEFAULT = cls("nginx", "k8s.io/ingress-nginx", true);

    record Case(String name, List<IngressClass> classes, boolean watchWithoutClass, UnaryOperator<IngressBuilder> ing,
                boolean handled, List<String> problems, List<String> controllers, boolean byName) {
        Case(String name, List<IngressClass> classes, boolean watchWithoutClass, UnaryOperator<IngressBuilder> ing,
             boolean handled, List<String> problems) {
            this(name, classes, watchWithoutClass, ing, handled, problems, List.of(IngressOptions.CONTROLLER_NAME),
                    false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static IngressClass cls(String name, String controller, boolean dflt) {
        return new IngressClassBuilder().withNewMetadata().withName(name)
                .withAnnotations(dflt ? Map.of(IngressClassFilter.DEFAULT_CLASS_ANNOTATION, "true") : Map.of())
                .endMetadata().withNewSpec().withController(controller).endSpec().build();
    }

    private static UnaryOperator<IngressBuilder> className(String c) {
        return b -> b.editSpec().withIngressClassName(c).endSpec();
    }

    private static UnaryOperator<IngressBuilder> annotation(String c) {
        return b -> b.editMetadata().withAnnotations(Map.of("kubernetes.io/ingress.class", c)).endMetadata();
    }

    private static Case c(String name, List<IngressClass> classes, UnaryOperator<IngressBuilder> ing, boolean handled) {
        return new Case(name, classes, false, ing, handled, List.of());
    }

    /** Not handled, with the one warning that says which class it has and which classes Kubeway answers. */
    private static Case no(String name, List<IngressClass> classes, UnaryOperator<IngressBuilder> ing, String why) {
        return new Case(name, classes, false, ing, false, List.of("OtherClass: not served: " + why));
    }

    private static final String KW_ANSWERS = "kubeway answers the IngressClasses whose controller is "
            + "kubeway.io/ingress-controller (\"kw\")";
    private static final String NGINX_HINT = " (--controller-class k8s.io/ingress-nginx serves it)";
    private static final List<String> SWAP = List.of(IngressOptions.CONTROLLER_NAME, "k8s.io/ingress-nginx");

    /** With {@code --controller-class k8s.io/ingress-nginx} (and {@code --ingress-class-by-name} when asked). */
    private static Case swap(String name, List<IngressClass> classes, UnaryOperator<IngressBuilder> ing,
                             boolean handled, List<String> problems) {
        return new Case(name, classes, false, ing, handled, problems, SWAP, false);
    }

    private static Case byName(String name, List<IngressClass> classes, UnaryOperator<IngressBuilder> ing,
                               boolean handled, List<String> problems) {
        return new Case(name, classes, false, ing, handled, problems, List.of(IngressOptions.CONTROLLER_NAME), true);
    }

    static Stream<Case> cases() {
        UnaryOperator<IngressBuilder> none = b -> b;
        return Stream.of(
                c("no classes at all: class-less is ours", List.of(), none, true),
                c("no classes at all: --ingress-class by field", List.of(), className("kubeway"), true),
                no("no classes at all: other class by field", List.of(), className("nginx"), "its class is \"nginx\" "
                        + "(spec.ingressClassName)" + NGINX_HINT + "; kubeway answers class \"kubeway\" (--ingress-class)"),
                c("no classes at all: --ingress-class by annotation", List.of(), annotation("kubeway"), true),
                c("our class by field", List.of(KW, NGINX), className("kw"), true),
                no("other controller's class by field", List.of(KW, NGINX), className("nginx"), "its class is "
                        + "\"nginx\" (spec.ingressClassName), whose controller is k8s.io/ingress-nginx" + NGINX_HINT + "; "
                        + KW_ANSWERS),
                no("class that does not exist", List.of(KW), className("missing"), "its class is \"missing\" "
                        + "(spec.ingressClassName), and no IngressClass \"missing\" exists; " + KW_ANSWERS),
                c("our class by annotation", List.of(KW, NGINX), annotation("kw"), true),
                c("--ingress-class by annotation, as ingress-nginx", List.of(KW, NGINX), annotation("kubeway"), true),
                no("other class by annotation", List.of(KW, NGINX), annotation("nginx"), "its class is \"nginx\" "
                        + "(annotation kubernetes.io/ingress.class), whose controller is k8s.io/ingress-nginx" + NGINX_HINT
                        + "; " + KW_ANSWERS + ", and class \"kubeway\" (--ingress-class) in this annotation"),
                c("class-less, our class is default", List.of(KW_DEFAULT, NGINX), none, true),
                no("class-less, other class is default", List.of(KW, NGINX_DEFAULT), none, "it has no class, so it "
                        + "takes the default IngressClass \"nginx\", whose controller is k8s.io/ingress-nginx" + NGINX_HINT
                        + "; " + KW_ANSWERS),
                no("class-less, two default classes, neither ours", List.of(KW, NGINX_DEFAULT,
                        cls("haproxy", "haproxy.org/ingress", true)), none, "it has no class and none of the 2 "
                        + "default IngressClasses is kubeway's; " + KW_ANSWERS),
                no("class-less, no default class", List.of(KW, NGINX), none, "it has no class and no IngressClass is "
                        + "the default (ingressclass.kubernetes.io/is-default-class); " + KW_ANSWERS
                        + ", and class-less Ingresses with --watch-ingress-without-class"),
                new Case("class-less with --watch-ingress-without-class", List.of(KW, NGINX_DEFAULT), true, none, true,
                        List.of()),
                new Case("--watch-ingress-without-class leaves classed ones alone", List.of(KW), true,
                        className("nginx"), false, List.of("OtherClass: not served: its class is \"nginx\" "
                        + "(spec.ingressClassName), and no IngressClass \"nginx\" exists; " + KW_ANSWERS)),
                new Case("two default classes: admission would refuse", List.of(KW_DEFAULT, NGINX_DEFAULT), false,
                        none, false, List.of("AmbiguousDefaultClass: 2 default IngressClasses were found, only 1 "
                        + "allowed; set spec.ingressClassName")),
                // --controller-class k8s.io/ingress-nginx: ingress-nginx's installation, served as it is
                swap("swap: ingress-nginx's class by field", List.of(NGINX), className("nginx"), true, List.of()),
                swap("swap: ingress-nginx's class by annotation", List.of(NGINX), annotation("nginx"), true, List.of()),
                swap("swap: our own class still served", List.of(KW, NGINX), className("kw"), true, List.of()),
                swap("swap: class-less, ingress-nginx's class is default", List.of(KW, NGINX_DEFAULT), none, true,
                        List.of()),
                swap("swap: two default classes, both ours, admission would refuse", List.of(KW_DEFAULT, NGINX_DEFAULT),
                        none, false, List.of("AmbiguousDefaultClass: 2 default IngressClasses were found, only 1 "
                                + "allowed; set spec.ingressClassName")),
                swap("swap: no classes at all, nginx is implied", List.of(), className("nginx"), true, List.of()),
                swap("swap: no classes at all, nginx by annotation", List.of(), annotation("nginx"), true, List.of()),
                swap("swap: no classes at all, --ingress-class still served", List.of(), className("kubeway"), true,
                        List.of()),
                swap("swap: no classes at all, class-less served", List.of(), none, true, List.of()),
                swap("swap: no classes at all, another class", List.of(), className("haproxy"), false,
                        List.of("OtherClass: not served: its class is \"haproxy\" (spec.ingressClassName); kubeway "
                                + "answers classes \"kubeway\" (--ingress-class) and \"nginx\" (--controller-class "
                                + "k8s.io/ingress-nginx)")),
                swap("swap: a third controller's class", List.of(NGINX, cls("haproxy", "haproxy.org/ingress", false)),
                        className("haproxy"), false, List.of("OtherClass: not served: its class is \"haproxy\" "
                                + "(spec.ingressClassName), whose controller is haproxy.org/ingress (--controller-class "
                                + "haproxy.org/ingress serves it); kubeway answers the IngressClasses whose controller is "
                                + "k8s.io/ingress-nginx or kubeway.io/ingress-controller (\"nginx\")")),
                swap("swap: class named nginx that does not exist", List.of(KW), className("nginx"), false,
                        List.of("OtherClass: not served: its class is \"nginx\" (spec.ingressClassName), and no "
                                + "IngressClass \"nginx\" exists; kubeway answers the IngressClasses whose controller is "
                                + "k8s.io/ingress-nginx or kubeway.io/ingress-controller (\"kw\")")),
                // --ingress-class-by-name (with --ingress-class kubeway): the class named kubeway, whatever its controller
                byName("by name: class kubeway of another controller", List.of(cls("kubeway", "k8s.io/ingress-nginx",
                        false)), className("kubeway"), true, List.of()),
                byName("by name: other names of that controller are not ours", List.of(cls("kubeway",
                        "k8s.io/ingress-nginx", false), NGINX), className("nginx"), false, List.of("OtherClass: not "
                        + "served: its class is \"nginx\" (spec.ingressClassName), whose controller is "
                        + "k8s.io/ingress-nginx" + NGINX_HINT + "; kubeway answers the IngressClasses whose controller "
                        + "is kubeway.io/ingress-controller or whose name is \"kubeway\" (--ingress-class-by-name) "
                        + "(\"kubeway\")")),
                byName("by name: the class must exist, as in ingress-nginx", List.of(KW), className("kubeway"), false,
                        List.of("OtherClass: not served: its class is \"kubeway\" (spec.ingressClassName), and no "
                                + "IngressClass \"kubeway\" exists; kubeway answers the IngressClasses whose controller "
                                + "is kubeway.io/ingress-controller or whose name is \"kubeway\" "
                                + "(--ingress-class-by-name) (\"kw\")")),
                byName("by name: class-less, the class named kubeway is default", List.of(cls("kubeway",
                        "example.com/other", true)), none, true, List.of()),
                new Case("without by name: class kubeway of another controller is not ours", List.of(cls("kubeway",
                        "example.com/other", false)), false, className("kubeway"), false, List.of("OtherClass: not "
                        + "served: its class is \"kubeway\" (spec.ingressClassName), whose controller is "
                        + "example.com/other (--controller-class example.com/other serves it); kubeway answers the "
                        + "IngressClasses whose controller is kubeway.io/ingress-controller (there is none)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void selection(Case c) {
        IngressOptions o = Fixtures.options();
        IngressOptions options = new IngressOptions(o.ingressClass(), c.controllers, c.byName, c.watchWithoutClass,
                null, null, List.of(), o.http(), o.https(), o.nodeName());
        Ingress ing = Fixtures.ingress("app", c.ing);
        List<Problem> problems = new ArrayList<>();
        assertThat(new IngressClassFilter(c.classes, options).handles(ing, "f.yaml", problems)).isEqualTo(c.handled);
        assertThat(problems).extracting(p -> p.reason() + ": " + p.message()).containsExactlyElementsOf(c.problems);
    }
}
