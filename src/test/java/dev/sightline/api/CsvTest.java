package dev.sightline.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Exports are opened in spreadsheets: a text that would run as a formula there (written by a provider, a page or a
 * user) stays text, while numbers, negative ones too, stay numbers.
 */
class CsvTest {

    @Test
    void aTextThatWouldRunAsAFormulaGetsALeadingApostrophe() {
        String csv = new Csv(List.of("a", "b", "c", "d", "e", "f")).row(List.of("=HYPERLINK(\"http://x.example/\",\"Click\")",
                "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\tTab", "plain text")).toString();
        assertThat(csv.split("\r\n")[1]).isEqualTo(
                "\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"Click\"\")\",'+cmd|' /C calc'!A0,'-2+3+cmd|' /C calc'!A0,"
                        + "'@SUM(A1:A9),'\tTab,plain text");
    }

    @Test
    void numbersStayNumbersWhetherGivenAsNumbersOrAsText() {
        String csv = new Csv(List.of("a", "b", "c", "d", "e")).row(Arrays.asList(-0.25, -3L, "-12", "+1.5e3", null))
                .toString();
        assertThat(csv.split("\r\n")[1]).isEqualTo("-0.25,-3,-12,+1.5e3,");
        assertThat(Csv.startsFormula("-")).isTrue();
        assertThat(Csv.startsFormula("- a list item")).isTrue();
        assertThat(Csv.startsFormula("2026-12-07")).isFalse();
    }
}
