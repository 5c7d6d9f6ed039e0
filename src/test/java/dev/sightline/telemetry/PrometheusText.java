package dev.sightline.telemetry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, as the Prometheus server reads it: every line is a
 * comment, HELP, TYPE or sample with a valid metric name, label set (with escapes) and float value; a family's TYPE
 * comes before its samples, its samples are contiguous, no series appears twice, and a histogram's buckets are
 * cumulative with a +Inf bucket equal to its count. Any violation throws, naming the line.
 */
final class PrometheusText {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    static final class ParseException extends RuntimeException {
        ParseException(int line, String text, String problem) {
            super("line " + line + ": " + problem + ": " + text);
        }
    }

    private PrometheusText() {
    }

    static Map<String, Family> parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        Set<String> closed = new HashSet<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int no = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length >= 3 && (p[1].equals("HELP") || p[1].equals("TYPE"))) {
                    String name = p[2];
                    if (!NAME.matcher(name).matches()) {
                        throw new ParseException(no, line, "invalid metric name");
                    }
                    Family f = families.get(name);
                    if (p[1].equals("TYPE")) {
                        if (p.length != 4 || !TYPES.contains(p[3])) {
                            throw new ParseException(no, line, "invalid type");
                        }
                        if (f != null && (f.type() != null || !f.samples().isEmpty())) {
                            throw new ParseException(no, line, "TYPE after samples or twice");
                        }
                        families.put(name, new Family(name, p[3], f == null ? null : f.help(), new ArrayList<>()));
                    } else {
                        if (f != null && f.help() != null) {
                            throw new ParseException(no, line, "HELP twice");
                        }
                        String help = p.length == 4 ? unescapeHelp(p[3], no, line) : "";
                        families.put(name, new Family(name, f == null ? null : f.type(), help,
                                f == null ? new ArrayList<>() : f.samples()));
                    }
                    if (current != null && !current.equals(name)) {
                        closed.add(current);
                    }
                    current = name;
                }
                continue;
            }
            Sample s = sample(line, no);
            String family = familyOf(s.name(), families);
            if (closed.contains(family)) {
                throw new ParseException(no, line, "samples of family " + family + " are not contiguous");
            }
            if (current != null && !current.equals(family)) {
                closed.add(current);
            }
            current = family;
            if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
                throw new ParseException(no, line, "series appears twice");
            }
            families.computeIfAbsent(family, n -> new Family(n, "untyped", null, new ArrayList<>())).samples().add(s);
        }
        families.values().forEach(PrometheusText::checkHistogram);
        return families;
    }

    private static String familyOf(String name, Map<String, Family> families) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                Family f = families.get(name.substring(0, name.length() - suffix.length()));
                if (f != null && ("histogram".equals(f.type())
                        || ("summary".equals(f.type()) && !suffix.equals("_bucket")))) {
                    return f.name();
                }
            }
        }
        return name;
    }

    private static Sample sample(String line, int no) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!NAME.matcher(name).matches()) {
            throw new ParseException(no, line, "invalid metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i < line.length() && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw new ParseException(no, line, "label without =");
                }
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches()) {
                    throw new ParseException(no, line, "invalid label name '" + label + "'");
                }
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw new ParseException(no, line, "label value not quoted");
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; ; j++) {
                    if (j >= line.length()) {
                        throw new ParseException(no, line, "unterminated label value");
                    }
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = j + 1 < line.length() ? line.charAt(++j) : 0;
                        switch (n) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw new ParseException(no, line, "invalid escape in label value");
                        }
                    } else if (c == '"') {
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) {
                    throw new ParseException(no, line, "label " + label + " twice");
                }
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                } else if (i >= line.length() || line.charAt(i) != '}') {
                    throw new ParseException(no, line, "expected , or } after a label");
                }
            }
        }
        String[] rest = line.substring(i).strip().split("[ \t]+");
        if (line.length() <= i || line.charAt(i) != ' ' || rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new ParseException(no, line, "expected a value and an optional timestamp after one space");
        }
        double value = value(rest[0], no, line);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new ParseException(no, line, "invalid timestamp");
            }
        }
        return new Sample(name, labels, value);
    }

    private static double value(String v, int no, String line) {
        switch (v) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new ParseException(no, line, "invalid value '" + v + "'");
                }
                return Double.parseDouble(v);
        }
    }

    private static String unescapeHelp(String s, int no, String line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                char n = i + 1 < s.length() ? s.charAt(++i) : 0;
                if (n == '\\') {
                    b.append('\\');
                } else if (n == 'n') {
                    b.append('\n');
                } else {
                    throw new ParseException(no, line, "invalid escape in HELP");
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static void checkHistogram(Family f) {
        if (!"histogram".equals(f.type())) {
            return;
        }
        Map<Map<String, String>, List<double[]>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            Map<String, String> key = new TreeMap<>(s.labels());
            if (s.name().endsWith("_bucket")) {
                String le = key.remove("le");
                if (le == null) {
                    throw new IllegalStateException(f.name() + ": bucket without le " + s);
                }
                buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {
                        le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value()});
            } else if (s.name().endsWith("_count")) {
                counts.put(key, s.value());
            }
        }
        buckets.forEach((labels, bs) -> {
            bs.sort((a, b) -> Double.compare(a[0], b[0]));
            for (int i = 1; i < bs.size(); i++) {
                if (bs.get(i)[1] < bs.get(i - 1)[1]) {
                    throw new IllegalStateException(f.name() + labels + ": buckets not cumulative");
                }
            }
            double[] last = bs.get(bs.size() - 1);
            if (last[0] != Double.POSITIVE_INFINITY || !counts.containsKey(labels) || last[1] != counts.get(labels)) {
                throw new IllegalStateException(f.name() + labels + ": +Inf bucket missing or not equal to _count");
            }
        });
    }
}
