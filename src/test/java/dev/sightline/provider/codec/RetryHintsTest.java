package dev.sightline.provider.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static dev.sightline.provider.codec.Fixtures.headers;
import static org.assertj.core.api.Assertions.assertThat;

class RetryHintsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-10-21T07:28:00Z"), ZoneOffset.UTC);

    @Test
    void headerNamesAreCaseInsensitive() {
        assertThat(RetryHints.header(headers("RETRY-AFTER", "7"), "retry-after")).isEqualTo("7");
        assertThat(RetryHints.fromHeaders(headers("Retry-After", "7"))).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void millisecondsWinOverSeconds() {
        assertThat(RetryHints.fromHeaders(headers("retry-after", "2", "retry-after-ms", "1500.5")))
                .isEqualTo(Duration.ofNanos(1_500_500_000));
    }

    @Test
    void httpDateIsMeasuredFromTheServersDate() {
        assertThat(RetryHints.fromHeaders(headers("Retry-After", "Wed, 21 Oct 2026 07:29:00 GMT",
                "Date", "Wed, 21 Oct 2026 07:28:45 GMT"), CLOCK)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void httpDateWithoutDateHeaderIsMeasuredFromTheClock() {
        assertThat(RetryHints.fromHeaders(headers("Retry-After", "Wed, 21 Oct 2026 07:29:00 GMT"), CLOCK))
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void httpDateInThePastMeansNow() {
        assertThat(RetryHints.fromHeaders(headers("Retry-After", "Wed, 21 Oct 2026 07:00:00 GMT"), CLOCK))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void noHintIsNull() {
        assertThat(RetryHints.fromHeaders(headers())).isNull();
        assertThat(RetryHints.fromHeaders(null)).isNull();
        assertThat(RetryHints.fromHeaders(headers("retry-after", "soon"))).isNull();
    }

    @ParameterizedTest
    @CsvSource({"30, PT30S", "0, PT0S", "1.5, PT1.5S", "' 12 ', PT12S"})
    void seconds(String value, Duration expected) {
        assertThat(RetryHints.parseSeconds(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-1", "abc", "Infinity", "1e999999999"})
    void unreadableSecondsAreNull(String value) {
        assertThat(RetryHints.parseSeconds(value)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
            "6m0s, PT6M",
            "12ms, PT0.012S",
            "1h2m3.5s, PT1H2M3.5S",
            "0s, PT0S",
            "59.999s, PT59.999S",
            "2h, PT2H",
            "1.5µs, PT0.0000015S",
            "300us, PT0.0003S",
            "250ns, PT0.00000025S",
            ".5s, PT0.5S"})
    void goDurations(String value, Duration expected) {
        assertThat(RetryHints.parseGoDuration(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"6m0", "1d", "abc", "-5s", "5 s", "s", "1h 2m"})
    void unreadableGoDurationsAreNull(String value) {
        assertThat(RetryHints.parseGoDuration(value)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"58s, PT58S", "1.5s, PT1.5S", "0.000000001s, PT0.000000001S", "57.628353914s, PT57.628353914S"})
    void protobufDurations(String value, Duration expected) {
        assertThat(RetryHints.parseProtoDuration(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"58", "1m", "-1s", "s"})
    void unreadableProtobufDurationsAreNull(String value) {
        assertThat(RetryHints.parseProtoDuration(value)).isNull();
    }
}
