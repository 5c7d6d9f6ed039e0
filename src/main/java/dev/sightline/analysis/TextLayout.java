package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One answer's text taken apart once: where URLs, link targets and e-mail addresses are (no mention can be
 * there), the markdown lines and their kinds, each item line's lead, the word atoms and the sentences. Built
 * per call; the analyzer's other parts only read it.
 */
final class TextLayout {

    static final byte BLANK = 0, TEXT = 1, NUM = 2, BULLET = 3, HEADING = 4, BOLD = 5, TABLE = 6, TABLE_SEP = 7;

    /** A markdown link: its visible text range and its target. */
    record Link(int textStart, int textEnd, String url) {
    }

    /** A URL written in the text (a link target or a bare URL), already stripped of trailing punctuation. */
    record UrlSpan(int start, int end, String url) {
    }

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+");

    /** First words of a lead that name a category or a section rather than a product ("Best for teams: X"). */
    static final Set<String> LABEL_WORDS = Set.of(
            "best", "top", "ideal", "great", "good", "runner", "runners", "budget", "pick", "picks", "our", "my",
            "editor", "winner", "overall", "also", "honorable", "honourable", "bonus", "option", "options",
            "alternative", "alternatives", "choice", "recommended", "recommendation", "recommendations", "verdict",
            "bottom", "summary", "conclusion", "overview", "introduction", "intro", "pros", "cons", "pricing",
            "price", "prices", "cost", "costs", "features", "feature", "key", "note", "notes", "tip", "tips", "why",
            "how", "what", "which", "when", "who", "where", "final", "quick", "short", "long", "tl", "tldr", "the",
            "a", "an", "if", "for", "consider", "considerations", "other", "others", "more", "next", "step",
            "steps", "example", "use", "strengths", "weaknesses", "drawbacks", "downsides", "limitations",
            "comparison", "compare", "factors", "questions", "faq", "sources", "references", "caveat", "caveats",
            "important", "considering", "in", "to", "ease", "integrations", "support", "security", "storage",
            "collaboration", "customization", "scalability", "reporting", "automation", "value", "verdicts",
            "takeaway", "takeaways", "thoughts", "closing", "wrap", "answer", "disclaimer", "update", "updates",
            "source", "link", "links", "further", "reading", "honestly", "it", "depends", "here", "these");

    final String text;
    final int length;
    final BitSet masked = new BitSet();
    final List<Link> links = new ArrayList<>();
    final List<UrlSpan> urls = new ArrayList<>();

    int lineCount;
    int[] lineStart, lineEnd, indent, contentStart, number, level, leadStart, leadEnd;
    byte[] kind;
    boolean[] leadStartOnly, labelLead;
    /** A horizontal rule ("---"): a blank line that also ends a section. */
    boolean[] rule;

    int atomCount;
    int[] atomStart, atomEnd;
    /** {@link String#hashCode()} of the lowercase atom when it is all ASCII (see {@link #atomAscii}). */
    int[] atomHash;
    boolean[] atomAscii;
    /** Lowercase atoms, made when first asked for: most atoms are only looked up, never read as strings. */
    private String[] atomLower;

    int sentCount;
    int[] sentStart, sentEnd, sentLine;
    /** Positions that end no sentence, or null. */
    private BitSet noBreak;

    TextLayout(String text) {
        this.text = text == null ? "" : text;
        this.length = this.text.length();
        scanLinks();
        scanBareUrls();
        scanEmails();
        scanLines();
        scanAtoms();
        scanSentences();
    }

    // ---------------------------------------------------------------- masks and URLs

    private void scanLinks() {
        int from = 0;
        while (true) {
            int i = text.indexOf("](", from);
            if (i < 0) {
                return;
            }
            from = i + 2;
            int open = text.lastIndexOf('[', i);
            int nl = text.lastIndexOf('\n', i);
            if (open < 0 || open < nl) {
                continue;
            }
            // the target runs to the matching ')' on the same line; targets may hold balanced parentheses
            int depth = 0;
            int close = -1;
            for (int j = i + 2; j < length; j++) {
                char c = text.charAt(j);
                if (c == '\n') {
                    break;
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (depth == 0) {
                        close = j;
                        break;
                    }
                    depth--;
                }
            }
            if (close < 0) {
                continue;
            }
            masked.set(i + 1, close + 1);
            String target = text.substring(i + 2, close).strip();
            int space = target.indexOf(' ');
            if (space > 0) {
                target = target.substring(0, space); // drop a link title: [t](url "title")
            }
            if (target.startsWith("<") && target.endsWith(">")) {
                target = target.substring(1, target.length() - 1);
            }
            links.add(new Link(open + 1, i, target));
            String lower = target.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("www.")) {
                urls.add(new UrlSpan(i + 2, close, target));
            }
            from = close + 1;
        }
    }

    private void scanBareUrls() {
        if (text.indexOf("://") < 0 && text.indexOf("www.") < 0 && text.indexOf("WWW.") < 0) {
            return;
        }
        // "http://", "https://" or "www." (ASCII letters in any case; "www." not right after a word character,
        // '.', '@' or '/'), then a run of URL characters
        int i = 0;
        while (i < length) {
            int body = urlPrefixEnd(i);
            int end = body;
            while (end >= 0 && end < length && isUrlChar(text.charAt(end))) {
                end++;
            }
            if (end <= body) {
                i++;
                continue;
            }
            if (!masked.get(i)) {
                int trimmed = trimUrlEnd(text, i, end);
                masked.set(i, trimmed);
                urls.add(new UrlSpan(i, trimmed, text.substring(i, trimmed)));
            }
            i = end;
        }
        urls.sort((a, b) -> Integer.compare(a.start(), b.start()));
    }

    /** End of a URL scheme or "www." prefix at i, or -1. */
    private int urlPrefixEnd(int i) {
        char c = text.charAt(i);
        if (c == 'h' || c == 'H') {
            if (!asciiMatch(i, "http")) {
                return -1;
            }
            int j = i + 4;
            if (j < length && (text.charAt(j) == 's' || text.charAt(j) == 'S')) {
                j++;
            }
            return text.startsWith("://", j) ? j + 3 : -1;
        }
        if (c == 'w' || c == 'W') {
            if (i > 0) {
                char b = text.charAt(i - 1);
                if (b < 128 && (Character.isLetterOrDigit(b) || b == '_') || b == '.' || b == '@' || b == '/') {
                    return -1;
                }
            }
            return asciiMatch(i, "www.") ? i + 4 : -1;
        }
        return -1;
    }

    /** text at i equals the lowercase ASCII word, ignoring the case of ASCII letters only. */
    private boolean asciiMatch(int i, String word) {
        if (i + word.length() > length) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            char c = text.charAt(i + k);
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUrlChar(char c) {
        switch (c) {
            case ' ': case '\t': case '\n': case '\u000B': case '\f': case '\r':
            case '<': case '>': case '"': case '\'': case '`': case '[': case ']': case '{': case '}': case '|':
            case '\\': case '^':
                return false;
            default:
                return true;
        }
    }

    /** Trailing punctuation belongs to the sentence, not the URL; a ')' stays only when it closes a '(' inside. */
    static int trimUrlEnd(CharSequence s, int start, int end) {
        while (end > start) {
            char c = s.charAt(end - 1);
            if (".,;:!?'\"*_~>".indexOf(c) >= 0) {
                end--;
            } else if (c == ')' || c == ']') {
                char open = c == ')' ? '(' : '[';
                int balance = 0;
                for (int k = start; k < end; k++) {
                    char d = s.charAt(k);
                    if (d == open) {
                        balance++;
                    } else if (d == c) {
                        balance--;
                    }
                }
                if (balance < 0) {
                    end--;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        return end;
    }

    private void scanEmails() {
        if (text.indexOf('@') < 0) {
            return;
        }
        // expand around each '@' by hand: a regex scan from every position is quadratic on long words
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            int a = at;
            while (a > 0 && isEmailLocal(text.charAt(a - 1))) {
                a--;
            }
            int b = at + 1;
            while (b < length && (Character.isLetterOrDigit(text.charAt(b)) || text.charAt(b) == '-'
                    || (text.charAt(b) == '.' && b + 1 < length && Character.isLetterOrDigit(text.charAt(b + 1))))) {
                b++;
            }
            if (a < at && b > at + 1 && EMAIL.matcher(text.substring(a, b)).matches()) {
                masked.set(a, b);
            }
        }
    }

    private static boolean isEmailLocal(char c) {
        return (c < 128 && Character.isLetterOrDigit(c)) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    boolean isMasked(int start, int end) {
        int next = masked.nextSetBit(start);
        return next >= 0 && next < end;
    }

    // ---------------------------------------------------------------- lines

    private void scanLines() {
        int cap = 16;
        lineStart = new int[cap];
        lineEnd = new int[cap];
        int pos = 0;
        int count = 0;
        while (pos <= length) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? length : nl;
            if (count == lineStart.length) {
                lineStart = Arrays.copyOf(lineStart, count * 2);
                lineEnd = Arrays.copyOf(lineEnd, count * 2);
            }
            lineStart[count] = pos;
            lineEnd[count] = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            count++;
            if (nl < 0) {
                break;
            }
            pos = nl + 1;
        }
        lineCount = count;
        kind = new byte[count];
        indent = new int[count];
        contentStart = new int[count];
        number = new int[count];
        level = new int[count];
        leadStart = new int[count];
        leadEnd = new int[count];
        leadStartOnly = new boolean[count];
        labelLead = new boolean[count];
        rule = new boolean[count];
        boolean fence = false;
        for (int l = 0; l < count; l++) {
            number[l] = -1;
            int s = lineStart[l];
            int e = lineEnd[l];
            int p = s;
            int ind = 0;
            while (p < e && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                ind += text.charAt(p) == '\t' ? 4 : 1;
                p++;
            }
            indent[l] = ind;
            contentStart[l] = p;
            leadStart[l] = -1;
            leadEnd[l] = -1;
            if (text.startsWith("```", p) || text.startsWith("~~~", p)) {
                fence = !fence;
                kind[l] = TEXT;
                continue;
            }
            if (fence) {
                kind[l] = TEXT;
                continue;
            }
            if (p >= e) {
                kind[l] = BLANK;
                continue;
            }
            char c = text.charAt(p);
            if (c == '#') {
                int h = p;
                while (h < e && text.charAt(h) == '#') {
                    h++;
                }
                if (h - p <= 6 && (h == e || text.charAt(h) == ' ')) {
                    kind[l] = HEADING;
                    level[l] = h - p;
                    int q = skipSpaces(h, e);
                    int afterNum = numberPrefix(q, e, l);
                    contentStart[l] = afterNum;
                    computeLead(l, afterNum, trimTrailingHashes(afterNum, e));
                    continue;
                }
            }
            if (c == '|') {
                kind[l] = isTableSeparator(p, e) ? TABLE_SEP : TABLE;
                if (kind[l] == TABLE) {
                    int cellStart = p + 1;
                    int cellEnd = cellEnd(cellStart, e);
                    if (isRankCell(cellStart, cellEnd) && cellEnd < e) {
                        // "| 1 | HubSpot | ..." : the first cell is the rank, the name is in the next one
                        cellStart = cellEnd + 1;
                        cellEnd = cellEnd(cellStart, e);
                    }
                    leadStart[l] = cellStart;
                    leadEnd[l] = cellEnd;
                }
                continue;
            }
            if (isRule(p, e)) {
                kind[l] = BLANK;
                rule[l] = true;
                continue;
            }
            if ((c == '-' || c == '*' || c == '+' || c == '•' || c == '·' || c == '–') && p + 1 < e
                    && (text.charAt(p + 1) == ' ' || text.charAt(p + 1) == '\t')) {
                kind[l] = BULLET;
                int q = skipSpaces(p + 1, e);
                contentStart[l] = q;
                computeLead(l, q, e);
                continue;
            }
            if (Character.isDigit(c)) {
                int q = p;
                while (q < e && q - p < 3 && Character.isDigit(text.charAt(q))) {
                    q++;
                }
                if (q < e && (text.charAt(q) == '.' || text.charAt(q) == ')') && q + 1 < e
                        && (text.charAt(q + 1) == ' ' || text.charAt(q + 1) == '\t')) {
                    kind[l] = NUM;
                    number[l] = Integer.parseInt(text.substring(p, q));
                    int r = skipSpaces(q + 1, e);
                    contentStart[l] = r;
                    computeLead(l, r, e);
                    continue;
                }
            }
            if (text.startsWith("**", p) || text.startsWith("__", p)) {
                int close = text.indexOf(text.substring(p, p + 2), p + 2);
                if (close > p + 2 && close < e) {
                    kind[l] = BOLD;
                    computeLead(l, p, e);
                    continue;
                }
            }
            kind[l] = TEXT;
        }
    }

    /**
     * "| --- | :---: |": cells of two or more dashes, each with optional colons and spaces, between optional outer
     * pipes (what the pattern {@code ^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$} accepts).
     */
    private boolean isTableSeparator(int p, int e) {
        int i = p;
        if (i < e && text.charAt(i) == '|') {
            i++;
        }
        while (true) {
            i = skipRegexSpace(i, e);
            if (i < e && text.charAt(i) == ':') {
                i++;
            }
            int dashes = i;
            while (i < e && text.charAt(i) == '-') {
                i++;
            }
            if (i - dashes < 2) {
                return false;
            }
            if (i < e && text.charAt(i) == ':') {
                i++;
            }
            i = skipRegexSpace(i, e);
            if (i == e) {
                return true;
            }
            if (text.charAt(i) != '|') {
                return false;
            }
            i++;
            if (skipRegexSpace(i, e) == e) {
                return true;
            }
        }
    }

    /**
     * "---", "* * *", "___": after stripping, three or more of '-', '*', '_' with only ASCII whitespace between
     * (what {@code ^(?:[-*_]\s*){3,}$} accepts on the stripped line).
     */
    private boolean isRule(int p, int e) {
        while (p < e && Character.isWhitespace(text.charAt(p))) {
            p++;
        }
        while (e > p && Character.isWhitespace(text.charAt(e - 1))) {
            e--;
        }
        if (p == e || "-*_".indexOf(text.charAt(p)) < 0) {
            return false;
        }
        int marks = 0;
        for (int i = p; i < e; i++) {
            char c = text.charAt(i);
            if (c == '-' || c == '*' || c == '_') {
                marks++;
            } else if (!isRegexSpace(c)) {
                return false;
            }
        }
        return marks >= 3;
    }

    private int skipRegexSpace(int i, int e) {
        while (i < e && isRegexSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The regex {@code \s}: ASCII whitespace only. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private int cellEnd(int from, int e) {
        int end = text.indexOf('|', from);
        return end < 0 || end > e ? e : end;
    }

    private boolean isRankCell(int s, int e) {
        String cell = text.substring(s, e).replace("*", "").replace("#", "").replace(".", "").strip();
        if (cell.isEmpty() || cell.length() > 3) {
            return false;
        }
        for (int i = 0; i < cell.length(); i++) {
            if (!Character.isDigit(cell.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private int trimTrailingHashes(int from, int e) {
        int end = e;
        while (end > from && (text.charAt(end - 1) == '#' || text.charAt(end - 1) == ' ')) {
            end--;
        }
        return end;
    }

    private int skipSpaces(int p, int e) {
        while (p < e && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
            p++;
        }
        return p;
    }

    /** Strips "1. ", "1) ", "#1: ", "1 - " from a heading or bold lead; records the number. */
    private int numberPrefix(int p, int e, int l) {
        int q = p;
        if (q < e && text.charAt(q) == '#') {
            q++;
        }
        int digits = q;
        while (q < e && q - digits < 3 && Character.isDigit(text.charAt(q))) {
            q++;
        }
        if (q == digits) {
            return p;
        }
        int r = q;
        if (r < e && (text.charAt(r) == '.' || text.charAt(r) == ')' || text.charAt(r) == ':')) {
            r++;
        } else if (r + 1 < e && text.charAt(r) == ' ' && (text.charAt(r + 1) == '-' || text.charAt(r + 1) == '—'
                || text.charAt(r + 1) == '–')) {
            r += 2;
        } else {
            return p;
        }
        if (r < e && text.charAt(r) != ' ') {
            return p; // "1.5x faster" is not a numbered heading
        }
        number[l] = Integer.parseInt(text.substring(digits, q));
        return skipSpaces(r, e);
    }

    /**
     * The lead of an item line: the bold span it opens with, else the phrase before the first ':', dash or '('.
     * Without such a separator only a name at the very start of the line is the item's subject. A first
     * segment that starts with a label word ("Best for startups: X") hands the lead to the next segment.
     */
    private void computeLead(int l, int p, int e) {
        p = skipSpaces(p, e);
        if (text.startsWith("**", p) || text.startsWith("__", p)) {
            int close = text.indexOf(text.substring(p, p + 2), p + 2);
            if (close > p + 2 && close < e) {
                int bs = p + 2;
                int num = numberPrefix(bs, close, l);
                int[] seg = segment(num, close);
                if (seg[2] == 1 && seg[1] < close) {
                    // label segment inside the bold: the name follows in the bold, or after it
                    int[] next = segment(skipSep(seg[1], close), close);
                    if (next[0] < next[1]) {
                        setLead(l, next[0], next[1], next[3] == 0, true);
                    } else {
                        int[] after = segment(skipSep(close + 2, e), e);
                        setLead(l, after[0], after[1], after[3] == 0, true);
                    }
                    return;
                }
                if (seg[2] == 1) {
                    int[] after = segment(skipSep(close + 2, e), e);
                    setLead(l, after[0], after[1], after[3] == 0, true);
                    return;
                }
                setLead(l, num, seg[1], false, false);
                return;
            }
        }
        int[] seg = segment(p, e);
        if (seg[2] == 1 && seg[3] == 1) {
            int[] next = segment(skipSep(seg[1], e), e);
            setLead(l, next[0], next[1], next[3] == 0, true);
            return;
        }
        setLead(l, seg[0], seg[1], seg[3] == 0, seg[2] == 1);
    }

    private void setLead(int l, int s, int e, boolean startOnly, boolean label) {
        leadStart[l] = s;
        leadEnd[l] = Math.max(s, e);
        leadStartOnly[l] = startOnly;
        labelLead[l] = label;
    }

    private int skipSep(int p, int e) {
        while (p < e) {
            char c = text.charAt(p);
            if (c == ':' || c == '—' || c == '–' || c == '-' || c == ' ' || c == '*' || c == '_' || c == '(') {
                p++;
            } else {
                break;
            }
        }
        return p;
    }

    /**
     * Returns {start, end, startsWithLabel (0/1), hasSeparator (0/1)} of the phrase starting at p and ending at
     * the first separator outside a URL.
     */
    private int[] segment(int p, int e) {
        p = skipSpaces(p, e);
        int end = e;
        int sep = 0;
        for (int i = p; i < e; i++) {
            if (masked.get(i)) {
                continue;
            }
            char c = text.charAt(i);
            boolean isSep = (c == ':' && (i + 1 == e || text.charAt(i + 1) == ' ' || text.charAt(i + 1) == '*'))
                    || c == '—' || c == '–' || c == '(' || c == '|'
                    || (c == '-' && i > p && text.charAt(i - 1) == ' ' && i + 1 < e && text.charAt(i + 1) == ' ');
            if (isSep && i > p) {
                end = i;
                sep = 1;
                break;
            }
        }
        while (end > p && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '*')) {
            end--;
        }
        int a = p;
        while (a < end && !Character.isLetterOrDigit(text.charAt(a))) {
            a++;
        }
        int b = a;
        while (b < end && Character.isLetter(text.charAt(b))) {
            b++;
        }
        boolean label = b > a && LABEL_WORDS.contains(text.substring(a, b).toLowerCase(Locale.ROOT));
        return new int[]{p, end, label ? 1 : 0, sep};
    }

    int lineOf(int pos) {
        int lo = 0, hi = lineCount - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStart[mid] <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    boolean isItemLine(int l) {
        byte k = kind[l];
        return k == NUM || k == BULLET || k == HEADING || k == BOLD || k == TABLE;
    }

    // ---------------------------------------------------------------- atoms

    private void scanAtoms() {
        int cap = Math.max(16, length / 4);
        atomStart = new int[cap];
        atomEnd = new int[cap];
        atomHash = new int[cap];
        atomAscii = new boolean[cap];
        int count = 0;
        int i = 0;
        while (i < length) {
            if (!isLetterOrDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int s = i;
            int h = 0;
            boolean ascii = true;
            char c;
            while (i < length && isLetterOrDigit(c = text.charAt(i))) {
                if (c >= 128) {
                    ascii = false;
                } else if (c >= 'A' && c <= 'Z') {
                    c += 32;
                }
                h = 31 * h + c;
                i++;
            }
            if (count == atomStart.length) {
                atomStart = Arrays.copyOf(atomStart, count * 2);
                atomEnd = Arrays.copyOf(atomEnd, count * 2);
                atomHash = Arrays.copyOf(atomHash, count * 2);
                atomAscii = Arrays.copyOf(atomAscii, count * 2);
            }
            atomStart[count] = s;
            atomEnd[count] = i;
            atomHash[count] = h;
            atomAscii[count] = ascii;
            count++;
        }
        atomCount = count;
    }

    private static final boolean[] ASCII_ALNUM = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_ALNUM[c] = Character.isLetterOrDigit(c);
        }
    }

    /** {@link Character#isLetterOrDigit(char)} with a table for ASCII, which is nearly all of an answer. */
    static boolean isLetterOrDigit(char c) {
        return c < 128 ? ASCII_ALNUM[c] : Character.isLetterOrDigit(c);
    }

    /** Atom a in lowercase. */
    String atomLower(int a) {
        if (atomLower == null) {
            atomLower = new String[atomCount];
        }
        String w = atomLower[a];
        if (w == null) {
            w = lower(atomStart[a], atomEnd[a]);
            atomLower[a] = w;
        }
        return w;
    }

    private String lower(int s, int e) {
        boolean plain = true;
        for (int k = s; k < e; k++) {
            char c = text.charAt(k);
            if (c >= 'A' && c <= 'Z' || c > 127) {
                plain = false;
                break;
            }
        }
        String sub = text.substring(s, e);
        return plain ? sub : sub.toLowerCase(Locale.ROOT);
    }

    /** Index of the first atom starting at or after pos. */
    int atomAtOrAfter(int pos) {
        int lo = 0, hi = atomCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (atomStart[mid] < pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ---------------------------------------------------------------- sentences

    private static final Set<String> ABBREVIATIONS = Set.of("e.g", "i.e", "vs", "inc", "ltd", "co", "corp", "dr",
            "mr", "mrs", "ms", "st", "approx", "incl", "no", "jr", "sr", "u.s", "est", "avg", "fig", "min", "max");
    private static final int LONGEST_ABBREVIATION = 6;

    /**
     * Splits the sentences again, with no sentence ending at the positions set in noBreak: the '.', '!' and '?' that
     * belong to a name ("Yahoo!", "J.P. Morgan").
     */
    void splitSentences(BitSet noBreak) {
        this.noBreak = noBreak;
        scanSentences();
    }

    private void scanSentences() {
        int cap = 32;
        sentStart = new int[cap];
        sentEnd = new int[cap];
        sentLine = new int[cap];
        int count = 0;
        for (int l = 0; l < lineCount; l++) {
            if (kind[l] == BLANK || kind[l] == TABLE_SEP) {
                continue;
            }
            int s = lineStart[l] + 0;
            int e = lineEnd[l];
            int[] bounds = kind[l] == TABLE ? tableCells(s, e) : lineSentences(s, e);
            for (int k = 0; k + 1 < bounds.length; k += 2) {
                int a = bounds[k];
                int b = bounds[k + 1];
                while (a < b && Character.isWhitespace(text.charAt(a))) {
                    a++;
                }
                while (b > a && Character.isWhitespace(text.charAt(b - 1))) {
                    b--;
                }
                if (a >= b) {
                    continue;
                }
                if (count == sentStart.length) {
                    sentStart = Arrays.copyOf(sentStart, count * 2);
                    sentEnd = Arrays.copyOf(sentEnd, count * 2);
                    sentLine = Arrays.copyOf(sentLine, count * 2);
                }
                sentStart[count] = a;
                sentEnd[count] = b;
                sentLine[count] = l;
                count++;
            }
        }
        sentCount = count;
    }

    private int[] tableCells(int s, int e) {
        int[] b = new int[16];
        int n = 0;
        int cellStart = s;
        for (int i = s; i <= e; i++) {
            if (i == e ? cellStart < e : text.charAt(i) == '|' && !masked.get(i)) {
                if (i > cellStart) {
                    if (n + 2 > b.length) {
                        b = Arrays.copyOf(b, b.length * 2);
                    }
                    b[n++] = cellStart;
                    b[n++] = i;
                }
                cellStart = i + 1;
            }
        }
        return Arrays.copyOf(b, n);
    }

    private int[] lineSentences(int s, int e) {
        int[] out = new int[8];
        int n = 0;
        int start = s;
        for (int i = s; i < e; i++) {
            char c = text.charAt(i);
            if ((c != '.' && c != '!' && c != '?') || masked.get(i) || noBreak != null && noBreak.get(i)) {
                continue;
            }
            int j = i + 1;
            while (j < e && (text.charAt(j) == '.' || text.charAt(j) == '!' || text.charAt(j) == '?'
                    || text.charAt(j) == '"' || text.charAt(j) == '\'' || text.charAt(j) == ')'
                    || text.charAt(j) == '*' || text.charAt(j) == '”' || text.charAt(j) == '_'
                    || text.charAt(j) == '[' && citationMarkerEnd(j, e) > j)) {
                j = text.charAt(j) == '[' ? citationMarkerEnd(j, e) : j + 1;
            }
            if (j < e && !Character.isWhitespace(text.charAt(j))) {
                continue;
            }
            if (c == '.' && isAbbreviation(s, i)) {
                continue;
            }
            int k = j;
            while (k < e && Character.isWhitespace(text.charAt(k))) {
                k++;
            }
            if (k < e && Character.isLowerCase(text.charAt(k))) {
                continue;
            }
            if (n + 2 > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = start;
            out[n++] = j;
            start = j;
            i = j - 1;
        }
        if (start < e) {
            if (n + 2 > out.length) {
                out = Arrays.copyOf(out, out.length + 2);
            }
            out[n++] = start;
            out[n++] = e;
        }
        return Arrays.copyOf(out, n);
    }

    /** End of a "[12]" citation marker starting at i ("...the longest trial.[2] Casper..."), else i. */
    private int citationMarkerEnd(int i, int e) {
        int k = i + 1;
        while (k < e && k - i <= 3 && Character.isDigit(text.charAt(k))) {
            k++;
        }
        return k > i + 1 && k < e && text.charAt(k) == ']' ? k + 1 : i;
    }

    private boolean isAbbreviation(int lineStartPos, int dot) {
        int a = dot;
        while (a > lineStartPos && (Character.isLetter(text.charAt(a - 1)) || text.charAt(a - 1) == '.')) {
            a--;
        }
        if (a == dot) {
            // "$12." or "v2." — a digit before the dot: a decimal is handled by the whitespace rule
            return false;
        }
        if (dot - a > LONGEST_ABBREVIATION) {
            return false;
        }
        String word = text.substring(a, dot).toLowerCase(Locale.ROOT);
        return ABBREVIATIONS.contains(word);
    }

    int sentenceOf(int pos) {
        int lo = 0, hi = sentCount - 1;
        if (hi < 0) {
            return -1;
        }
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (sentStart[mid] <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return sentStart[lo] <= pos && pos < Math.max(sentEnd[lo], sentStart[lo] + 1) ? lo : -1;
    }
}
