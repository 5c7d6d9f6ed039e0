package dev.sightline.profile;

import java.util.ArrayList;
import java.util.List;

import dev.sightline.pages.PageReader;

/**
 * The names that lead the list items, headings and table rows of an answer ({@code 1. **Pipedrive** — ...},
 * {@code ### Attio}, {@code | Close | $49 |}): the options an assistant put beside each other.
 */
final class ListLeads {

    private ListLeads() {
    }

    static List<String> of(String answer) {
        List<String> out = new ArrayList<>();
        for (String raw : answer.split("\n")) {
            String line = raw.strip();
            String rest = afterMarker(line);
            if (rest == null) {
                continue;
            }
            String lead;
            if (rest.startsWith("**")) {
                int end = rest.indexOf("**", 2);
                lead = end > 2 ? rest.substring(2, end) : rest.substring(2);
            } else if (line.startsWith("|")) {
                int end = rest.indexOf('|');
                lead = end > 0 ? rest.substring(0, end) : rest;
            } else {
                lead = rest;
            }
            String name = PageReader.leadName(lead.replace("**", "").replace("[", "").replace("]", "").strip());
            if (name != null && !out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** The text after a list marker, heading marks or a table's first pipe; null for any other line. */
    private static String afterMarker(String line) {
        if (line.startsWith("#")) {
            int i = 0;
            while (i < line.length() && line.charAt(i) == '#') {
                i++;
            }
            return i < line.length() && line.charAt(i) == ' ' ? line.substring(i + 1).strip() : null;
        }
        if (line.startsWith("- ") || line.startsWith("* ") || line.startsWith("+ ") || line.startsWith("• ")) {
            return line.substring(2).strip();
        }
        if (line.startsWith("|") && !line.startsWith("|-") && !line.startsWith("| -") && !line.startsWith("|:")) {
            return line.substring(1).strip();
        }
        int d = 0;
        while (d < line.length() && Character.isDigit(line.charAt(d))) {
            d++;
        }
        if (d > 0 && d + 1 < line.length() && (line.charAt(d) == '.' || line.charAt(d) == ')')
                && line.charAt(d + 1) == ' ') {
            return line.substring(d + 2).strip();
        }
        return null;
    }
}
