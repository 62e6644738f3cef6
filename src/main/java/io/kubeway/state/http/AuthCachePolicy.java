package io.kubeway.state.http;

import io.kubeway.state.http.routing.HashKey;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * ingress-nginx's {@code auth-cache-key} and {@code auth-cache-duration}: the auth service's answers are kept for a
 * while under a key evaluated per request from an nginx-variable template ({@link HashKey}'s variables), in the
 * keyspace of one route (ingress-nginx: per server and location). Which answers are kept, and how long, follows
 * nginx's {@code proxy_cache_valid} lines ({@code 200 202 10m, 401 5m}; {@code any}; a time alone means 200, 301
 * and 302), ingress-nginx's default being {@code 200 202 401 5m}.
 *
 * @param keyTemplate the template as written (for the dump and the cache key's keyspace)
 * @param key         the parsed template
 * @param valid       the {@code proxy_cache_valid} lines, first match wins
 */
public record AuthCachePolicy(String keyTemplate, HashKey key, List<Validity> valid) {
    /** ingress-nginx's default {@code auth-cache-duration}. */
    public static final String DEFAULT_DURATION = "200 202 401 5m";
    /** The longest validity accepted (nginx has no limit; a day keeps a revoked session from living on). */
    public static final Duration MAX_VALIDITY = Duration.ofDays(1);
    private static final Pattern TIME = Pattern.compile("(\\d{1,9})(ms|s|m|h|d|w|M|y)?");

    /**
     * One {@code proxy_cache_valid} line.
     *
     * @param codes the statuses it covers; empty for {@code any}
     * @param ttl   how long
     */
    public record Validity(Set<Integer> codes, Duration ttl) {
        public Validity {
            codes = Set.copyOf(codes);
            requireNonNull(ttl, "ttl");
        }
    }

    public AuthCachePolicy {
        requireNonNull(keyTemplate, "keyTemplate");
        requireNonNull(key, "key");
        valid = List.copyOf(valid);
    }

    /**
     * Parses both annotations.
     *
     * @param durations {@code auth-cache-duration}, or null for ingress-nginx's default
     * @throws IllegalArgumentException naming what does not parse
     */
    public static AuthCachePolicy parse(String keyTemplate, @Nullable String durations) {
        HashKey key;
        try {
            key = HashKey.parse(keyTemplate);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("upstream-hash-by", "auth-cache-key"));
        }
        return new AuthCachePolicy(keyTemplate, key, durations(durations == null ? DEFAULT_DURATION : durations));
    }

    /** {@code 200 202 10m, 401 5m}: comma-separated {@code proxy_cache_valid} lines. */
    public static List<Validity> durations(String value) {
        List<Validity> out = new ArrayList<>();
        for (String line : value.split(",")) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) continue;
            Duration ttl = time(words[words.length - 1]);
            Set<Integer> codes = new LinkedHashSet<>();
            boolean any = false;
            for (int i = 0; i < words.length - 1; i++) {
                if (words[i].equals("any")) {
                    any = true;
                } else if (words[i].matches("[1-5][0-9][0-9]")) {
                    codes.add(Integer.parseInt(words[i]));
                } else {
                    throw new IllegalArgumentException("\"" + words[i] + "\" is not a status code or any");
                }
            }
            if (words.length == 1) codes.addAll(List.of(200, 301, 302)); // nginx: a time alone
            out.add(new Validity(any ? Set.of() : codes, ttl));
            if (out.size() > 64) throw new IllegalArgumentException("more than 64 lines");
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no status and time");
        return out;
    }

    /** nginx's time syntax ({@code 30s}, {@code 10m}, {@code 1h30m}, a bare number being seconds). */
    static Duration time(String v) {
        Matcher m = TIME.matcher(v);
        long millis = 0;
        int at = 0;
        while (at < v.length() && m.find(at) && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            millis += switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                case "d" -> n * 86_400_000;
                case "w" -> n * 7 * 86_400_000;
                case "M" -> n * 30 * 86_400_000;
                default -> n * 365 * 86_400_000;
            };
            at = m.end();
        }
        if (at != v.length() || v.isEmpty()) throw new IllegalArgumentException("\"" + v + "\" is not an nginx time");
        Duration d = Duration.ofMillis(millis);
        if (d.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("\"" + v + "\" is longer than " + MAX_VALIDITY.toHours() + " hours");
        }
        return d;
    }

    /** How long an answer with {@code status} is kept, or null when it is not. */
    public @Nullable Duration ttl(int status) {
        for (Validity v : valid) {
            if (v.codes().isEmpty() || v.codes().contains(status)) return v.ttl().isZero() ? null : v.ttl();
        }
        return null;
    }
}
