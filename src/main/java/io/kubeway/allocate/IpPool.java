package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kubeway.core.FieldError;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A LoadBalancer address pool with MetalLB's semantics: its ranges in declaration order, whether
 * Services may get addresses from it without asking for it by name ({@code autoAssign}), and whether
 * IPv4 addresses ending in .0 and .255 are skipped ({@code avoidBuggyIPs}).
 */
public record IpPool(String name, List<IpRange> ranges, boolean autoAssign, boolean avoidBuggyIPs) {
    public IpPool {
        requireNonNull(name, "name");
        ranges = List.copyOf(ranges);
    }

    /**
     * Reads a {@code metallb.io/v1beta1} IPAddressPool: {@code spec.addresses} (CIDRs or {@code a-b}
     * ranges, at least one), {@code spec.autoAssign} (default true) and {@code spec.avoidBuggyIPs}
     * (default false). Any error makes the whole pool unusable, as MetalLB rejects it, and is reported
     * as an Invalid problem naming the object, the file and the field.
     */
    public static ParsedPool fromResource(GenericKubernetesResource r, @Nullable String source) {
        ObjectRef ref = ObjectRef.of(r);
        List<FieldError> errors = new ArrayList<>();
        Object spec = r.getAdditionalProperties().get("spec");
        Map<?, ?> specMap = spec instanceof Map<?, ?> m ? m : Map.of();
        if (spec != null && !(spec instanceof Map<?, ?>)) {
            errors.add(FieldError.invalid("spec", String.valueOf(spec), "must be an object"));
        }
        List<IpRange> ranges = new ArrayList<>();
        Object addresses = specMap.get("addresses");
        if (addresses == null || (addresses instanceof List<?> l && l.isEmpty())) {
            errors.add(FieldError.required("spec.addresses", "pool has no prefixes defined"));
        } else if (!(addresses instanceof List<?>)) {
            errors.add(FieldError.invalid("spec.addresses", String.valueOf(addresses), "must be a list"));
        } else {
            List<?> list = (List<?>) addresses;
            for (int i = 0; i < list.size(); i++) {
                String field = "spec.addresses[" + i + "]";
                if (!(list.get(i) instanceof String text)) {
                    errors.add(FieldError.invalid(field, String.valueOf(list.get(i)), "must be a string"));
                    continue;
                }
                try {
                    ranges.add(IpRange.parse(text));
                } catch (IllegalArgumentException e) {
                    errors.add(FieldError.invalid(field, text, e.getMessage()));
                }
            }
        }
        boolean autoAssign = flag(specMap, "autoAssign", true, errors);
        boolean avoidBuggyIPs = flag(specMap, "avoidBuggyIPs", false, errors);
        String name = r.getMetadata() == null ? null : r.getMetadata().getName();
        if (name == null || name.isEmpty()) {
            errors.add(FieldError.required("metadata.name", ""));
        }
        if (!errors.isEmpty()) {
            return new ParsedPool(null, List.of(Problem.invalid(ref, source, errors)));
        }
        return new ParsedPool(new IpPool(name, ranges, autoAssign, avoidBuggyIPs), List.of());
    }

    private static boolean flag(Map<?, ?> spec, String key, boolean dflt, List<FieldError> errors) {
        Object v = spec.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        errors.add(FieldError.invalid("spec." + key, String.valueOf(v), "must be a boolean"));
        return dflt;
    }

    /** True when {@code a} belongs to this pool (a .0/.255 address does not, when buggy IPs are avoided). */
    boolean owns(IpAddress a) {
        if (avoidBuggyIPs && a.confusesBuggyFirmware()) return false;
        return containsIgnoringBuggy(a);
    }

    boolean containsIgnoringBuggy(IpAddress a) {
        for (IpRange range : ranges) {
            if (range.contains(a)) return true;
        }
        return false;
    }
}
