package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.map;
import static io.kubeway.translate.service.Services.str;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.kubeway.core.FieldError;
import io.kubeway.core.KubeNames;

/**
 * {@code ValidateObjectMeta} with {@code ValidateServiceName} (apimachinery api/validation), for the
 * parts a manifest can get wrong: name, generateName, namespace, generation, labels and annotations.
 * Owner references, finalizers and managedFields are not checked: Kubeway reads them from no one.
 *
 * <p>Go walks label and annotation maps in random order; keys are sorted here so the output is stable.
 */
final class MetadataRules {
    /** {@code TotalAnnotationSizeLimitB}. */
    static final int ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

    private MetadataRules() {
    }

    /** Create validation of a Service's metadata. */
    static void validate(ObjectMeta meta, List<FieldError> errs) {
        String generateName = str(meta.getGenerateName());
        if (!generateName.isEmpty()) {
            for (String msg : serviceName(generateName, true)) {
                errs.add(FieldError.invalid("metadata.generateName", generateName, msg));
            }
        }
        String name = str(meta.getName());
        if (name.isEmpty()) {
            errs.add(FieldError.required("metadata.name", "name or generateName is required"));
        } else {
            for (String msg : serviceName(name, false)) {
                errs.add(FieldError.invalid("metadata.name", name, msg));
            }
        }
        String namespace = str(meta.getNamespace());
        if (namespace.isEmpty()) {
            errs.add(FieldError.required("metadata.namespace", ""));
        } else {
            for (String msg : KubeNames.dns1123Label(namespace)) {
                errs.add(FieldError.invalid("metadata.namespace", namespace, msg));
            }
        }
        if (meta.getGeneration() != null && meta.getGeneration() < 0) {
            errs.add(FieldError.invalid("metadata.generation", meta.getGeneration(),
                    "must be greater than or equal to 0"));
        }
        labelsAndAnnotations(meta, errs);
    }

    /** The part of {@code ValidateObjectMetaUpdate} that applies to Kubeway: immutable identity. */
    static void validateUpdate(ObjectMeta meta, ObjectMeta old, List<FieldError> errs) {
        if (!Objects.equals(str(meta.getName()), str(old.getName()))) {
            errs.add(FieldError.invalid("metadata.name", str(meta.getName()), "field is immutable"));
        }
        if (!Objects.equals(str(meta.getNamespace()), str(old.getNamespace()))) {
            errs.add(FieldError.invalid("metadata.namespace", str(meta.getNamespace()), "field is immutable"));
        }
        labelsAndAnnotations(meta, errs);
    }

    /** {@code ValidateLabels}: every key a qualified name, every value a label value. */
    static void labels(Map<String, String> labels, String field, List<FieldError> errs) {
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            for (String msg : KubeNames.labelKey(e.getKey())) {
                errs.add(FieldError.invalid(field, e.getKey(), msg));
            }
            String value = str(e.getValue());
            for (String msg : KubeNames.labelValue(value)) {
                errs.add(FieldError.invalid(field, value, msg));
            }
        }
    }

    private static void labelsAndAnnotations(ObjectMeta meta, List<FieldError> errs) {
        labels(map(meta.getLabels()), "metadata.labels", errs);
        annotations(map(meta.getAnnotations()), errs);
    }

    /** {@code ValidateAnnotations}: keys are qualified names whatever their case; 256 KiB in all. */
    private static void annotations(Map<String, String> annotations, List<FieldError> errs) {
        long size = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
            for (String msg : KubeNames.labelKey(e.getKey().toLowerCase(Locale.ROOT))) {
                errs.add(FieldError.invalid("metadata.annotations", e.getKey(), msg));
            }
            size += KubeNames.byteLength(e.getKey()) + KubeNames.byteLength(str(e.getValue()));
        }
        if (size > ANNOTATIONS_SIZE_LIMIT) {
            errs.add(new FieldError(FieldError.Type.TOO_LONG, "metadata.annotations", null,
                    "may not be more than " + ANNOTATIONS_SIZE_LIMIT + " bytes"));
        }
    }

    /** {@code NameIsDNS1035Label}, with upstream's {@code maskTrailingDash} for generateName prefixes. */
    private static List<String> serviceName(String name, boolean prefix) {
        String checked = name;
        if (prefix && name.endsWith("-")) {
            // Upstream drops the last two characters and appends "a"; kept for identical results.
            checked = name.length() >= 2 ? name.substring(0, name.length() - 2) + "a" : "a";
        }
        return new ArrayList<>(KubeNames.dns1035Label(checked));
    }
}
