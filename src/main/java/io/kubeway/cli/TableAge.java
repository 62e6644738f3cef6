package io.kubeway.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * kubectl's AGE and LAST SEEN cells: apimachinery's {@code duration.HumanDuration} applied to the time since a
 * timestamp, or {@code <unknown>} when the timestamp is absent, as in kubectl's {@code translateTimestampSince}.
 */
final class TableAge {
    static final String UNKNOWN = "<unknown>";
    // Go's zero time.Time; metav1.Time encodes it as null, but a hand-written object could carry it
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private TableAge() {
    }

    /** The age of an RFC 3339 timestamp at {@code now}; {@code <unknown>} if absent or unreadable. */
    static String since(String timestamp, Instant now) {
        if (timestamp == null || timestamp.isEmpty()) {
            return UNKNOWN;
        }
        Instant then;
        try {
            then = OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return UNKNOWN;
        }
        if (then.equals(GO_ZERO_TIME)) {
            return UNKNOWN;
        }
        return humanDuration(Duration.between(then, now));
    }

    /**
     * A succinct duration with about two significant figures, exactly as apimachinery's {@code HumanDuration}:
     * seconds below 2 minutes, minutes and seconds below 10 minutes, minutes below 3 hours, hours and minutes
     * below 8 hours, hours below 2 days, days and hours below 8 days, days below 2 years, years and days below
     * 8 years, then years. Up to 1 second in the future counts as {@code 0s} (clock skew), further is
     * {@code <invalid>}.
     */
    static String humanDuration(Duration d) {
        long nanos = goNanos(d);
        // Go truncates toward zero, as does Java's integer division
        long seconds = nanos / 1_000_000_000L;
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = nanos / 60_000_000_000L;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = nanos / 3_600_000_000_000L;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    // Go's time.Duration is int64 nanoseconds and time.Since saturates at its limits (about 292 years)
    private static long goNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
