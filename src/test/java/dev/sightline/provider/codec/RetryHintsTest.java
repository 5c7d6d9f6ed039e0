package dev.sightline.provider.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Function;

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

    private static final Map<String, Function<String, Duration>> PARSERS = Map.of(
            "seconds", RetryHints::parseSeconds,
            "go", RetryHints::parseGoDuration,
            "protobuf", RetryHints::parseProtoDuration);

    /**
     * The three spellings of a delay: seconds (Retry-After), a Go duration (x-ratelimit-reset-*) and a protobuf
     * duration (Gemini's retryDelay). An empty value cell is null, {@code ''} the empty string; an empty expected
     * cell means the value is not a hint (null).
     */
    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # format | value          | expected
            seconds  | 30             | PT30S
            seconds  | 0              | PT0S
            seconds  | 1.5            | PT1.5S
            seconds  | ' 12 '         | PT12S
            seconds  |                |
            seconds  | ''             |
            seconds  | -1             |
            seconds  | abc            |
            seconds  | Infinity       |
            seconds  | 1e999999999    |
            go       | 6m0s           | PT6M
            go       | 12ms           | PT0.012S
            go       | 1h2m3.5s       | PT1H2M3.5S
            go       | 0s             | PT0S
            go       | 59.999s        | PT59.999S
            go       | 2h             | PT2H
            go       | 1.5µs          | PT0.0000015S
            go       | 300us          | PT0.0003S
            go       | 250ns          | PT0.00000025S
            go       | .5s            | PT0.5S
            go       |                |
            go       | ''             |
            go       | 6m0            |
            go       | 1d             |
            go       | abc            |
            go       | -5s            |
            go       | 5 s            |
            go       | s              |
            go       | 1h 2m          |
            protobuf | 58s            | PT58S
            protobuf | 1.5s           | PT1.5S
            protobuf | 0.000000001s   | PT0.000000001S
            protobuf | 57.628353914s  | PT57.628353914S
            protobuf |                |
            protobuf | ''             |
            protobuf | 58             |
            protobuf | 1m             |
            protobuf | -1s            |
            protobuf | s              |
            """)
    void readsEachSpellingOfADelay(String format, String value, Duration expected) {
        assertThat(PARSERS.get(format).apply(value)).isEqualTo(expected);
    }
}
