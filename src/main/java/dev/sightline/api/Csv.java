package dev.sightline.api;

import java.util.List;

/**
 * RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF, quotes doubled. A text that a
 * spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a CR, and is not a plain number) gets a
 * leading apostrophe: answers, prompts, page titles and dataset values are written by providers and users, and
 * {@code =HYPERLINK(...)} in an export must stay text when a marketer opens it.
 */
final class Csv {

    private final StringBuilder out = new StringBuilder();

    Csv(List<String> header) {
        row(header);
    }

    Csv row(List<?> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(fields.get(i)));
        }
        out.append("\r\n");
        return this;
    }

    static String field(Object v) {
        if (v == null) {
            return "";
        }
        String s = v instanceof Double d ? number(d) : v.toString();
        if (v instanceof CharSequence && startsFormula(s)) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static final java.util.regex.Pattern PLAIN_NUMBER =
            java.util.regex.Pattern.compile("[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    /** OWASP's list of a formula's first characters; a signed plain number is a number, not a formula. */
    static boolean startsFormula(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char c = s.charAt(0);
        if (c == '=' || c == '@' || c == '\t' || c == '\r') {
            return true;
        }
        return (c == '+' || c == '-') && !PLAIN_NUMBER.matcher(s).matches();
    }

    /** Plain decimal notation: spreadsheets misread 1.0E-4. */
    private static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "";
        }
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
