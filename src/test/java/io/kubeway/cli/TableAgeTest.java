package io.kubeway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TableAgeTest {

    record Case(Duration elapsed, String expected) {
        @Override
        public String toString() {
            return elapsed + " -> " + expected;
        }
    }

    private static Case c(Duration d, String expected) {
        return new Case(d, expected);
    }

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static Duration m(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    private static Duration h(long hours) {
        return Duration.ofHours(hours);
    }

    private static Duration d(long days) {
        return Duration.ofDays(days);
    }

    // apimachinery's duration_test.go cases for HumanDuration, plus the edges of each band
    static Stream<Case> humanDurations() {
        return Stream.of(
                c(Duration.ofMillis(-2500), "<invalid>"),
                c(s(-2), "<invalid>"),
                c(Duration.ofMillis(-1999), "0s"),
                c(s(-1), "0s"),
                c(Duration.ofMillis(-500), "0s"),
                c(Duration.ZERO, "0s"),
                c(Duration.ofMillis(999), "0s"),
                c(s(1), "1s"),
                c(s(5), "5s"),
                c(s(59), "59s"),
                c(s(60), "60s"),
                c(s(119), "119s"),
                c(s(120), "2m"),
                c(s(150), "2m30s"),
                c(m(2).plusSeconds(59).plusMillis(999), "2m59s"),
                c(m(9).plusSeconds(59), "9m59s"),
                c(m(10), "10m"),
                c(m(10).plusSeconds(59), "10m"),
                c(m(179), "179m"),
                c(h(3), "3h"),
                c(h(3).plusMinutes(20), "3h20m"),
                c(h(7).plusMinutes(59), "7h59m"),
                c(h(8), "8h"),
                c(h(8).plusMinutes(59), "8h"),
                c(h(47), "47h"),
                c(h(48), "2d"),
                c(h(48).plusMinutes(59), "2d"),
                c(h(49), "2d1h"),
                c(d(7).plusHours(23), "7d23h"),
                c(d(8), "8d"),
                c(d(400), "400d"),
                c(d(365 * 2 - 1), "729d"),
                c(d(365 * 2), "2y"),
                c(d(365 * 2 + 1), "2y1d"),
                c(d(365 * 8 - 1), "7y364d"),
                c(d(365 * 8), "8y"),
                c(d(365 * 100), "100y"),
                // Go durations saturate near 292 years
                c(d(365 * 1000), "292y"));
    }

    @ParameterizedTest
    @MethodSource("humanDurations")
    void humanDurationMatchesApimachinery(Case c) {
        assertThat(TableAge.humanDuration(c.elapsed())).isEqualTo(c.expected());
    }

    @Test
    void sinceReadsRfc3339TimestampsAndShowsUnknownForAbsentOnes() {
        Instant now = Instant.parse("2024-05-01T12:00:00Z");

        assertThat(TableAge.since("2024-05-01T11:59:55Z", now)).isEqualTo("5s");
        assertThat(TableAge.since("2024-05-01T13:57:30+02:00", now)).isEqualTo("2m30s");
        assertThat(TableAge.since("2024-05-01T11:50:00.123456Z", now)).isEqualTo("9m59s");
        assertThat(TableAge.since(null, now)).isEqualTo("<unknown>");
        assertThat(TableAge.since("", now)).isEqualTo("<unknown>");
        assertThat(TableAge.since("yesterday", now)).isEqualTo("<unknown>");
        assertThat(TableAge.since("0001-01-01T00:00:00Z", now)).isEqualTo("<unknown>");
        assertThat(TableAge.since("2024-05-01T12:00:05Z", now)).isEqualTo("<invalid>");
    }
}
