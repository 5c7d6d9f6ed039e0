package dev.sightline.fetch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules of one {@code robots.txt} for one crawler (RFC 9309): the groups naming the crawler's product token,
 * else the {@code *} groups; the longest matching rule decides, {@code Allow} winning a tie; {@code *} matches any
 * run of characters and a final {@code $} anchors the end. {@code /robots.txt} itself is always allowed.
 */
public final class RobotsRules {

    /** Everything allowed: no robots.txt (4xx), or one without rules for us. */
    public static final RobotsRules ALLOW_ALL = new RobotsRules(List.of());

    private record Rule(boolean allow, String pattern) {
    }

    private final List<Rule> rules;

    private RobotsRules(List<Rule> rules) {
        this.rules = rules;
    }

    /** Everything refused (robots.txt answered 5xx or could not be read: RFC 9309 says assume complete disallow). */
    public static RobotsRules disallowAll() {
        return new RobotsRules(List.of(new Rule(false, "/")));
    }

    public static RobotsRules parse(String text, String productToken) {
        String token = productToken.toLowerCase(Locale.ROOT);
        List<Rule> mine = new ArrayList<>();
        List<Rule> star = new ArrayList<>();
        boolean forMe = false;
        boolean forStar = false;
        boolean inAgents = false;
        boolean sawMine = false;
        for (String raw : text.split("\r\n|\r|\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String field = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (field) {
                case "user-agent" -> {
                    if (!inAgents) {
                        forMe = false;
                        forStar = false;
                        inAgents = true;
                    }
                    String agent = value.toLowerCase(Locale.ROOT);
                    if (agent.equals("*")) {
                        forStar = true;
                    } else if (agent.split("/")[0].strip().equals(token)) {
                        forMe = true;
                        sawMine = true;
                    }
                }
                case "allow", "disallow" -> {
                    inAgents = false;
                    if (value.isEmpty()) {
                        // "Disallow:" with nothing allows everything: no rule
                        continue;
                    }
                    Rule r = new Rule(field.equals("allow"), value);
                    if (forMe) {
                        mine.add(r);
                    }
                    if (forStar) {
                        star.add(r);
                    }
                }
                default -> inAgents = false;
            }
        }
        return new RobotsRules(List.copyOf(sawMine ? mine : star));
    }

    /** @param pathAndQuery the URL's path (and query), starting with {@code /} */
    public boolean allows(String pathAndQuery) {
        String path = pathAndQuery.isEmpty() ? "/" : pathAndQuery;
        if (path.equals("/robots.txt")) {
            return true;
        }
        int best = -1;
        boolean allowed = true;
        for (Rule r : rules) {
            if (matches(r.pattern(), path)) {
                int len = r.pattern().length();
                if (len > best || (len == best && r.allow())) {
                    best = len;
                    allowed = r.allow();
                }
            }
        }
        return allowed;
    }

    /** The rule that refuses a path, for the stored reason (null when allowed). */
    public String refusal(String pathAndQuery) {
        return allows(pathAndQuery) ? null : "robots.txt disallows " + pathAndQuery;
    }

    /** Wildcard match from the start of the path; iterative, so no pattern can make it backtrack without end. */
    static boolean matches(String pattern, String path) {
        boolean anchored = pattern.endsWith("$");
        String p = anchored ? pattern.substring(0, pattern.length() - 1) : pattern;
        int pi = 0;
        int si = 0;
        int star = -1;
        int mark = 0;
        while (si < path.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (pi < p.length() && p.charAt(pi) == path.charAt(si)) {
                pi++;
                si++;
            } else if (pi == p.length() && !anchored) {
                return true;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
