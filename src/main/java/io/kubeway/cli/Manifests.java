package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The plain in-cluster manifests, as {@code deploy/*.yaml} holds them: the build copies that folder into the jar
 * (pom.xml, {@code io/kubeway/deploy/}), so the files are the one source and this class only selects and
 * substitutes. Text in, text out: comments (each RBAC rule's reason) survive, which a parse and re-serialisation
 * would lose.
 *
 * <p>Each object names the roles it serves in the annotation {@value #ROLES_ANNOTATION}; one without it is shared
 * and always printed. {@code kustomization.yaml} lists the files in apply order.
 */
final class Manifests {
    static final String ROLES_ANNOTATION = "kubeway.io/roles";
    static final List<String> ROLES = List.of("proxy", "loadbalancer", "ingress");
    static final String DEFAULT_NAMESPACE = "kubeway-system";
    private static final String RESOURCE_DIR = "/io/kubeway/deploy/";
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*\\R?");
    private static final Pattern NAMESPACE_WORD = Pattern.compile("(?<![A-Za-z0-9.-])" + DEFAULT_NAMESPACE + "(?![A-Za-z0-9.-])");
    private static final Pattern IMAGE_LINE = Pattern.compile("(?m)^(\\s*image:\\s*)\\S+[ \\t]*$");
    private static final Pattern ROLES_ARG = Pattern.compile("(?m)^(\\s*- --roles=)(\\S+)[ \\t]*$");
    /** A Namespace name: a DNS-1123 label (the API server's rule). */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** An image reference: registry/path:tag or @digest; no spaces, quotes or YAML syntax can get through. */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}");

    /** One YAML document of one file in deploy/. */
    record Document(String file, String text, HasMetadata object) {
        /** The roles this object serves; empty when it is shared by all. */
        Set<String> roles() {
            Map<String, String> annotations = object.getMetadata().getAnnotations();
            String value = annotations == null ? null : annotations.get(ROLES_ANNOTATION);
            return value == null ? Set.of() : new LinkedHashSet<>(List.of(value.split(",")));
        }
    }

    private Manifests() {
    }

    /** Every object document of deploy/, in kustomization order. */
    static List<Document> all() {
        List<Document> out = new ArrayList<>();
        for (String file : files()) {
            for (String text : DOCUMENT_SEPARATOR.split(read(file))) {
                if (text.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) continue;
                HasMetadata object = Serialization.unmarshal(text);
                out.add(new Document(file, text.endsWith("\n") ? text : text + "\n", object));
            }
        }
        return out;
    }

    /** The file names {@code kustomization.yaml} lists under {@code resources}. */
    static List<String> files() {
        Map<?, ?> kustomization = Serialization.unmarshal(read("kustomization.yaml"), Map.class);
        if (!(kustomization.get("resources") instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalStateException("deploy/kustomization.yaml lists no resources");
        }
        return list.stream().map(String::valueOf).toList();
    }

    /**
     * The YAML for {@code roles}: shared objects and those serving at least one of them, in {@code namespace},
     * with {@code image} (null: as in deploy/). A {@code --roles=} argument is narrowed to the selected roles.
     *
     * @throws IllegalArgumentException naming the bad role, namespace or image
     */
    static String render(Set<String> roles, String namespace, String image) {
        requireNonNull(roles, "roles");
        requireNonNull(namespace, "namespace");
        if (roles.isEmpty()) throw new IllegalArgumentException("--roles: name at least one of " + ROLES);
        for (String role : roles) {
            if (!ROLES.contains(role)) {
                throw new IllegalArgumentException("--roles: unknown role \"" + role + "\" (known: " + String.join(", ", ROLES) + ")");
            }
        }
        if (!DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("--namespace: \"" + namespace
                    + "\" is not a valid namespace name (a DNS-1123 label: lower-case letters, digits and '-', at most 63)");
        }
        if (image != null && !IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("--image: \"" + image + "\" is not an image reference (REGISTRY/NAME:TAG or NAME@DIGEST)");
        }
        StringBuilder out = new StringBuilder();
        for (Document doc : all()) {
            Set<String> served = doc.roles();
            if (!served.isEmpty() && served.stream().noneMatch(roles::contains)) continue;
            String text = narrowRolesArgument(doc.text(), roles);
            text = NAMESPACE_WORD.matcher(text).replaceAll(Matcher.quoteReplacement(namespace));
            if (image != null) text = IMAGE_LINE.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(image));
            if (!out.isEmpty()) out.append("---\n");
            out.append("# Source: deploy/").append(doc.file()).append('\n').append(text);
        }
        return out.toString();
    }

    /** {@code --roles=loadbalancer,ingress} with only ingress selected becomes {@code --roles=ingress}. */
    private static String narrowRolesArgument(String text, Set<String> selected) {
        return ROLES_ARG.matcher(text).replaceAll(m -> {
            List<String> kept = List.of(m.group(2).split(",")).stream().filter(selected::contains).toList();
            return Matcher.quoteReplacement(m.group(1) + String.join(",", kept));
        });
    }

    private static String read(String file) {
        try (InputStream in = Manifests.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("deploy/" + file + " is not in the jar (" + RESOURCE_DIR + file
                        + "): the build copies deploy/*.yaml, see pom.xml");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading deploy/" + file + " from the jar", e);
        }
    }
}
