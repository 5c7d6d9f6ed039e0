package dev.sightline.experiment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt body with {@code {{variable}}} placeholders (spaces inside the braces are ignored; a name is anything but
 * braces, so a CSV column called "product name" is {@code {{product name}}}). Rendering is one pass: a value that
 * contains {@code {{...}}} is inserted as it is, never expanded again.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]+?)\\s*}}");

    private final String body;
    private final List<String> variables;

    private Template(String body, List<String> variables) {
        this.body = body;
        this.variables = variables;
    }

    public static Template of(String body) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(body);
        while (m.find()) {
            names.add(m.group(1));
        }
        return new Template(body, List.copyOf(names));
    }

    public String body() {
        return body;
    }

    /** The placeholders in order of first appearance, each once. */
    public List<String> variables() {
        return variables;
    }

    /** The body with every placeholder replaced by its value; a placeholder without a value becomes empty. */
    public String render(Function<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(body);
        StringBuilder out = new StringBuilder(body.length() + 64);
        int last = 0;
        while (m.find()) {
            out.append(body, last, m.start());
            String v = values.apply(m.group(1));
            out.append(v == null ? "" : v);
            last = m.end();
        }
        return out.append(body, last, body.length()).toString();
    }

    public String render(Map<String, String> values) {
        return render(values::get);
    }

    /** The variables that none of {@code known} provides, in order. */
    public List<String> missing(Set<String> known) {
        List<String> out = new ArrayList<>();
        for (String v : variables) {
            if (!known.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }
}
