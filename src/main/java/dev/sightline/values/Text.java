package dev.sightline.values;

/**
 * Checks and renderings of text that comes from outside (clients, providers, workspace files): what cannot be
 * stored as text, what could forge or hide lines, and how such text goes into a log line.
 */
public final class Text {

    private Text() {
    }

    /** Index of the first NUL or unpaired surrogate, or -1: PostgreSQL text holds neither, and neither is text. */
    public static int invalidAt(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the first character a human-written text has no business holding, or -1: control characters other
     * than tab and newline (CR, ESC, DEL...), bidirectional overrides, isolates and marks that make text read
     * differently from what it is (U+202E), line and paragraph separators, and what {@link #invalidAt} finds.
     */
    public static int controlAt(String s) {
        int invalid = invalidAt(s);
        for (int i = 0; i < s.length() && (invalid < 0 || i < invalid); i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == '\n') {
                continue;
            }
            if (Character.getType(c) == Character.CONTROL || c == '\u061C' || c == '\u200E' || c == '\u200F'
                    || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u2028'
                    || c == '\u2029') {
                return i;
            }
        }
        return invalid;
    }

    /** {@code U+001B} for the character at {@code i}, to name it in an error without printing it. */
    public static String codePointAt(String s, int i) {
        return String.format("U+%04X", s.codePointAt(i));
    }

    /**
     * Text from outside for a log line: quoted, on one line (line breaks and other control characters escaped,
     * so a multi-line body cannot forge log lines), and cut to {@code max} characters with the rest counted.
     */
    public static String quote(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 16).append('"');
        int end = Math.min(s.length(), max);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT
                            || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                            && !(Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        if (s.length() > end) {
            sb.append(" (+").append(s.length() - end).append(" chars)");
        }
        return sb.toString();
    }
}
