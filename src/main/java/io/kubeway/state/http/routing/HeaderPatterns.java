package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A list of header values as nginx's {@code map} matches them, for {@code block-user-agents} and
 * {@code block-referers}: a plain value matches the whole header, ignoring case; {@code ~re} is a case-sensitive
 * regex and {@code ~*re} a case-insensitive one, both found anywhere in the value (nginx's PCRE search).
 */
final class HeaderPatterns {
    private final Set<String> exact;
    private final Pattern[] regexes;

    private HeaderPatterns(Set<String> exact, Pattern[] regexes) {
        this.exact = exact;
        this.regexes = regexes;
    }

    static HeaderPatterns of(List<String> values) {
        Set<String> exact = new HashSet<>();
        List<Pattern> regexes = new java.util.ArrayList<>();
        for (String v : values) {
            Pattern p = compile(v);
            if (p == null) exact.add(v.toLowerCase(Locale.ROOT));
            else regexes.add(p);
        }
        return new HeaderPatterns(Set.copyOf(exact), regexes.toArray(Pattern[]::new));
    }

    /**
     * The regex of a {@code ~} entry, or null for a plain value.
     *
     * @throws IllegalArgumentException for an empty entry or a regex that does not compile
     */
    static @Nullable Pattern compile(String v) {
        if (v.isEmpty()) throw new IllegalArgumentException("empty entry");
        if (!v.startsWith("~")) return null;
        boolean insensitive = v.startsWith("~*");
        String re = v.substring(insensitive ? 2 : 1);
        if (re.isEmpty()) throw new IllegalArgumentException("empty regular expression in \"" + v + "\"");
        try {
            return Pattern.compile(re, insensitive ? Pattern.CASE_INSENSITIVE : 0);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression \"" + re + "\": " + e.getDescription());
        }
    }

    boolean isEmpty() {
        return exact.isEmpty() && regexes.length == 0;
    }

    /** Whether {@code value} (null: header absent, matches nothing) is listed. */
    boolean matches(@Nullable String value) {
        if (value == null) return false;
        if (!exact.isEmpty() && exact.contains(value.toLowerCase(Locale.ROOT))) return true;
        for (Pattern p : regexes) {
            if (p.matcher(value).find()) return true;
        }
        return false;
    }
}
