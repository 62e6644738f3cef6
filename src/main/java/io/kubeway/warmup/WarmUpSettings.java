package io.kubeway.warmup;

import java.time.Duration;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * How long the warm-up may run and when it stops by itself ({@code kubeway run --warm-up}).
 *
 * <p>It stops at the first of: the JIT has settled (the JVM's total compilation time grew by less than
 * {@code settledMillis} in each of the last {@code settledIntervals} intervals, once {@code minimum} has passed),
 * {@code cap}, or {@code maxRequests} requests.
 *
 * @param enabled          false: no warm-up at all ({@code --warm-up off}; tests and in-process starts)
 * @param cap              the longest it runs
 * @param maxRequests      the most requests it sends
 * @param minimum          it never stops as settled before this (C2 starts compiling only after thousands of calls)
 * @param interval         how often the compilation time is sampled
 * @param settledMillis    compilation time (ms, all compiler threads) an interval may add and still count as settled
 * @param settledIntervals consecutive settled intervals that end the warm-up
 * @param clients          client threads sending requests side by side
 */
public record WarmUpSettings(boolean enabled, Duration cap, long maxRequests, Duration minimum, Duration interval,
                             long settledMillis, int settledIntervals, int clients) {
    /** The cap of {@code --warm-up auto}. */
    public static final Duration DEFAULT_CAP = Duration.ofSeconds(30);
    /** The request cap, whatever the duration. */
    public static final long DEFAULT_MAX_REQUESTS = 3_000_000;
    /** No warm-up. */
    public static final WarmUpSettings OFF = new WarmUpSettings(false, Duration.ZERO, 0, Duration.ZERO,
            Duration.ofSeconds(1), 0, 1, 1);
    /** {@code --warm-up auto}: adaptive, at most {@link #DEFAULT_CAP}. */
    public static final WarmUpSettings AUTO = capped(DEFAULT_CAP);

    public WarmUpSettings {
        requireNonNull(cap, "cap");
        requireNonNull(minimum, "minimum");
        requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) throw new IllegalArgumentException("interval must be positive");
        if (settledIntervals < 1 || clients < 1) throw new IllegalArgumentException("settledIntervals and clients must be positive");
        if (enabled && (cap.isZero() || cap.isNegative() || maxRequests < 1)) {
            throw new IllegalArgumentException("a warm-up needs a positive duration and request cap");
        }
    }

    /** Adaptive with the default thresholds, stopping at {@code cap} at the latest. */
    public static WarmUpSettings capped(Duration cap) {
        return new WarmUpSettings(true, cap, DEFAULT_MAX_REQUESTS, Duration.ofSeconds(3), Duration.ofSeconds(1), 20, 2, 2);
    }

    /**
     * {@code auto}, {@code off}, or a cap such as {@code 20s}, {@code 1m} or {@code 500ms} (adaptive up to it).
     *
     * @throws IllegalArgumentException for anything else, naming the flag
     */
    public static WarmUpSettings parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) return AUTO;
        if (v.equals("off") || v.equals("0") || v.equals("0s")) return OFF;
        Duration d = duration(v);
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--warm-up: expected auto, off or a duration up to 10m such as 20s, "
                    + "got \"" + value + "\"");
        }
        return capped(d);
    }

    private static Duration duration(String v) {
        String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}};
        for (String[] u : units) {
            if (v.endsWith(u[0])) {
                String n = v.substring(0, v.length() - u[0].length());
                if (n.isEmpty() || !n.chars().allMatch(Character::isDigit) || n.length() > 9) return null;
                return Duration.ofMillis(Long.parseLong(n) * Long.parseLong(u[1]));
            }
        }
        return null;
    }

    /** As the flag would say it: {@code off}, or the cap. */
    @Override
    public String toString() {
        return enabled ? "up to " + cap.toMillis() / 1000.0 + " s" : "off";
    }
}
