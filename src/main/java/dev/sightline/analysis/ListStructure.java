package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The lists of one answer: numbered and bulleted lists, per-product headings, bold lead lines and table rows. Gives
 * each entity its rank in the first list of options and tells which item's body a sentence belongs to. The rules are
 * in README ("How rank and sentiment are decided").
 */
final class ListStructure {

    /** One item of any list. */
    static final class Item {
        final int line;
        final byte kind;
        int bodyStart;
        int bodyEnd;
        boolean numbered;
        boolean[] subjects;
        boolean hasSubject;
        /** Names no tracked entity but a product of its own ("3. **Zendesk Sell**") among tracked siblings. */
        boolean untracked;
        private int[] subjectList;

        Item(int line, byte kind, int bodyStart) {
            this.line = line;
            this.kind = kind;
            this.bodyStart = bodyStart;
        }

        /** The subject entities in entity order, null when the item names none. */
        int[] subjectList() {
            if (subjectList == null && hasSubject) {
                int n = 0;
                for (boolean b : subjects) {
                    n += b ? 1 : 0;
                }
                subjectList = new int[n];
                for (int e = 0, k = 0; e < subjects.length; e++) {
                    if (subjects[e]) {
                        subjectList[k++] = e;
                    }
                }
            }
            return subjectList;
        }
    }

    private static final class Block {
        final byte kind;
        final int indent;
        final List<Item> items = new ArrayList<>();
        int lastNumber;
        boolean sameNumbers = true;
        boolean suspended;
        boolean closed;
        /** One of several lists that compare the same products point by point (see markCriteriaComparisons). */
        boolean criterion;
        int endPos = -1;

        Block(byte kind, int indent) {
            this.kind = kind;
            this.indent = indent;
        }

        int start() {
            return items.isEmpty() ? Integer.MAX_VALUE : items.get(0).bodyStart;
        }
    }

    final List<Item> firstList;
    final List<Item> allItems = new ArrayList<>();
    /** Per line of a table body: the table's header line, else -1. */
    private final int[] tableHeader;
    /** Per table line: its row item. */
    private final Item[] tableRow;
    private final TextLayout layout;
    private final List<MentionMatcher.Mention> mentions;

    ListStructure(TextLayout t, List<MentionMatcher.Mention> mentions, int entityCount) {
        this.layout = t;
        this.mentions = mentions;
        this.tableHeader = new int[t.lineCount];
        this.tableRow = new Item[t.lineCount];
        java.util.Arrays.fill(tableHeader, -1);
        List<Block> blocks = new ArrayList<>();
        listBlocks(t, blocks);
        headingBlocks(t, blocks, mentions, entityCount);
        boldBlocks(t, blocks, mentions, entityCount);
        tableBlocks(t, blocks);
        for (Block b : blocks) {
            boolean tracked = false;
            for (int i = 0; i < b.items.size(); i++) {
                Item item = b.items.get(i);
                if (item.subjects == null) {
                    item.subjects = subjects(t, item, mentions, entityCount);
                    item.hasSubject = any(item.subjects);
                }
                tracked |= item.hasSubject;
                if (item.kind == TextLayout.HEADING || item.kind == TextLayout.BOLD) {
                    endSection(t, item, i == b.items.size() - 1);
                }
                allItems.add(item);
            }
            for (Item item : b.items) {
                if (!item.hasSubject && item.kind != TextLayout.TABLE && productLine(t, item, mentions)) {
                    tracked = true;
                }
            }
            for (Item item : b.items) {
                item.untracked = tracked && !item.hasSubject && namesProduct(t, item.line);
            }
        }
        markCriteriaComparisons(blocks, entityCount);
        Block first = null;
        for (Block b : blocks) {
            if (!b.criterion && offersOptions(t, b) && (first == null || b.start() < first.start())) {
                first = b;
            }
        }
        firstList = first == null ? List.of() : first.items;
    }

    /** How many lists naming the same products make them criteria (see markCriteriaComparisons). */
    private static final int CRITERIA = 3;

    /**
     * "### Room Sensors" over "* **ecobee:** ...", "* **Google Nest:** ...", then "### Smart Home" over the same two:
     * lists that name the same products again, a section per criterion, compare them point by point and present no
     * options. Three bulleted or numbered lists or more that name the same products (two or more) mark each other;
     * two are not enough: "Overview" and "Which should you choose?" often name the same three.
     */
    private static void markCriteriaComparisons(List<Block> blocks, int entityCount) {
        List<Block> lists = new ArrayList<>();
        List<boolean[]> named = new ArrayList<>();
        for (Block b : blocks) {
            if (b.kind != TextLayout.BULLET && b.kind != TextLayout.NUM) {
                continue;
            }
            boolean[] n = new boolean[entityCount];
            int count = 0;
            for (Item item : b.items) {
                if (item.hasSubject) {
                    for (int e : item.subjectList()) {
                        count += n[e] ? 0 : 1;
                        n[e] = true;
                    }
                }
            }
            if (count >= 2) {
                lists.add(b);
                named.add(n);
            }
        }
        for (int i = 0; i < lists.size(); i++) {
            int same = 0;
            for (int j = 0; j < lists.size(); j++) {
                same += java.util.Arrays.equals(named.get(i), named.get(j)) ? 1 : 0;
            }
            lists.get(i).criterion = same >= CRITERIA;
        }
    }

    /**
     * A list ranks only when it presents options: two items or more about a product, one of them tracked. A table,
     * tips or criteria that name one product in passing give no rank.
     */
    private static boolean offersOptions(TextLayout layout, Block b) {
        if (b.kind == TextLayout.TABLE || b.items.size() < 2) {
            return false;
        }
        int options = 0;
        boolean tracked = false;
        boolean[] seen = null;
        for (Item item : b.items) {
            if (item.hasSubject || item.untracked) {
                options++;
            }
            tracked |= item.hasSubject;
            // two headings of one maker are two of its products ("### 2. Zwilling Four Star", "### 4. Henckels ...")
            if (item.hasSubject && layout.leadStartOnly[item.line] && b.kind != TextLayout.HEADING) {
                if (seen == null) {
                    seen = new boolean[item.subjects.length];
                }
                for (int e : item.subjectList()) {
                    if (seen[e]) {
                        // sentences about the same products ("- Kagi's results...", "- Kagi is..."), not options
                        return false;
                    }
                    seen[e] = true;
                }
            }
        }
        return tracked && options >= 2;
    }

    /**
     * "### 1. Novablast 4" over "The ASICS Novablast 4 has...", "### Mach 6" over "Hoka's lightweight trainer...": a
     * lead naming a product line only belongs to the entity the body's first sentence names as its maker, by a
     * possessive or right before a word of the lead.
     */
    private static boolean productLine(TextLayout t, Item item, List<MentionMatcher.Mention> mentions) {
        if (!shortNameLead(t, item.line)) {
            return false;
        }
        int le = t.leadEnd[item.line];
        int from = le;
        int to = -1;
        int s = t.sentenceOf(le - 1);
        if (s >= 0 && t.sentEnd[s] > le && hasWords(t, le, t.sentEnd[s])) {
            to = t.sentEnd[s];
        } else {
            for (int k = Math.max(0, s + 1); k < t.sentCount; k++) {
                if (t.sentStart[k] >= le) {
                    if (t.sentStart[k] < item.bodyEnd && t.kind[t.sentLine[k]] != TextLayout.HEADING) {
                        from = t.sentStart[k];
                        to = t.sentEnd[k];
                    }
                    break;
                }
            }
        }
        if (to < 0) {
            return false;
        }
        // one maker only: "a balance between Jira's power and Linear's simplicity" names none
        MentionMatcher.Mention maker = null;
        for (MentionMatcher.Mention m : mentions) {
            if (m.start >= to) {
                break;
            }
            if (m.start < from) {
                continue;
            }
            if (maker != null && maker.entity != m.entity) {
                return false;
            }
            if (maker == null && (possessive(t, m.end) || nextWordInLead(t, m.end, to, t.leadStart[item.line], le))) {
                maker = m;
            } else if (maker == null) {
                return false;
            }
        }
        if (maker == null) {
            return false;
        }
        item.subjects[maker.entity] = true;
        item.hasSubject = true;
        return true;
    }

    /**
     * A heading, a bold line of its own or a bold lead before a dash, of at most four words and no label: what a
     * product's name looks like ("Mach 6", "monday dev"). "**Milk:** The Philips..." is a criterion.
     */
    private static boolean shortNameLead(TextLayout t, int l) {
        int ls = t.leadStart[l];
        int le = t.leadEnd[l];
        if (ls < 0 || t.labelLead[l] || le <= ls) {
            return false;
        }
        int r = le;
        while (r < t.lineEnd[l] && (t.text.charAt(r) == ' ' || t.text.charAt(r) == '*' || t.text.charAt(r) == '_')) {
            r++;
        }
        if (r < t.lineEnd[l] && "—–-".indexOf(t.text.charAt(r)) < 0) {
            return false;
        }
        int words = 0;
        for (int a = t.atomAtOrAfter(ls); a < t.atomCount && t.atomStart[a] < le; a++) {
            words++;
        }
        return words > 0 && words <= NAME_WORDS;
    }

    private static boolean hasWords(TextLayout t, int from, int to) {
        int a = t.atomAtOrAfter(from);
        return a < t.atomCount && t.atomStart[a] < to;
    }

    private static boolean possessive(TextLayout t, int end) {
        if (end >= t.length || (t.text.charAt(end) != '\'' && t.text.charAt(end) != '’')) {
            return false;
        }
        return end + 1 >= t.length || t.text.charAt(end + 1) == 's' || Character.isWhitespace(t.text.charAt(end + 1));
    }

    private static boolean nextWordInLead(TextLayout t, int end, int to, int ls, int le) {
        int a = t.atomAtOrAfter(end);
        if (a >= t.atomCount || t.atomStart[a] >= to || !onlySpaces(t, end, t.atomStart[a])) {
            return false;
        }
        String next = t.atomLower(a);
        for (int b = t.atomAtOrAfter(ls); b < t.atomCount && t.atomStart[b] < le; b++) {
            if (t.atomLower(b).equals(next)) {
                return true;
            }
        }
        return false;
    }

    private static boolean onlySpaces(TextLayout t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.text.charAt(i) != ' ') {
                return false;
            }
        }
        return true;
    }

    /** Rank (1-based) of each entity in the first list, 0 when none. */
    int[] ranks(int entityCount) {
        int[] ranks = new int[entityCount];
        for (int i = 0; i < firstList.size(); i++) {
            boolean[] subjects = firstList.get(i).subjects;
            for (int e = 0; e < entityCount; e++) {
                if (subjects[e] && ranks[e] == 0) {
                    ranks[e] = i + 1;
                }
            }
        }
        return ranks;
    }

    /**
     * The item about a product, tracked or not, whose body holds pos most tightly, or null. Items about neither (a
     * nested "- Visual" bullet, "**Pros:**") leave the sentence to the item around them.
     */
    Item itemAt(int pos) {
        Item best = null;
        for (Item item : allItems) {
            if ((item.hasSubject || item.untracked) && item.bodyStart <= pos && pos < item.bodyEnd
                    && (best == null || item.bodyEnd - item.bodyStart < best.bodyEnd - best.bodyStart)) {
                best = item;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- numbered and bulleted lists

    private static void listBlocks(TextLayout t, List<Block> all) {
        List<Block> open = new ArrayList<>();
        for (int l = 0; l < t.lineCount; l++) {
            byte k = t.kind[l];
            int pos = t.lineStart[l];
            int ind = t.indent[l];
            if (k == TextLayout.BLANK) {
                continue;
            }
            if (k == TextLayout.HEADING) {
                for (Block b : open) {
                    end(b, pos, true);
                }
                open.clear();
                continue;
            }
            if (k == TextLayout.NUM) {
                int n = t.number[l];
                Block target = null;
                for (Block b : open) {
                    if (b.closed) {
                        continue;
                    }
                    if (b.indent > ind + 1) {
                        end(b, pos, true);
                    } else if (b.kind == TextLayout.BULLET && b.indent >= ind - 1) {
                        end(b, pos, true);
                    } else if (b.kind == TextLayout.NUM && Math.abs(b.indent - ind) <= 1) {
                        if (n == b.lastNumber + 1 || (n == b.lastNumber && b.sameNumbers)) {
                            target = b;
                        } else {
                            end(b, pos, true);
                        }
                    }
                }
                open.removeIf(b -> b.closed);
                if (target == null) {
                    target = new Block(TextLayout.NUM, ind);
                    open.add(target);
                    all.add(target);
                } else {
                    target.sameNumbers &= n == target.lastNumber;
                }
                target.suspended = false;
                target.endPos = -1;
                target.lastNumber = n;
                Item item = new Item(l, TextLayout.NUM, pos);
                item.numbered = true;
                target.items.add(item);
                continue;
            }
            if (k == TextLayout.BULLET) {
                Block target = null;
                for (Block b : open) {
                    if (b.closed) {
                        continue;
                    }
                    if (b.indent > ind + 1) {
                        end(b, pos, true);
                    } else if (Math.abs(b.indent - ind) <= 1) {
                        if (b.kind == TextLayout.NUM) {
                            end(b, pos, false);
                        } else if (!b.suspended) {
                            target = b;
                        }
                    }
                }
                open.removeIf(b -> b.closed);
                if (target == null) {
                    target = new Block(TextLayout.BULLET, ind);
                    open.add(target);
                    all.add(target);
                }
                target.items.add(new Item(l, TextLayout.BULLET, pos));
                continue;
            }
            // a paragraph, bold line or table: indented ones continue the items they are indented under
            for (Block b : open) {
                if (!b.closed && b.indent >= ind - 1 && (ind < 2 || b.indent >= ind)) {
                    end(b, pos, b.kind == TextLayout.BULLET);
                }
            }
            open.removeIf(b -> b.closed);
        }
        for (Block b : all) {
            if (b.endPos < 0) {
                b.endPos = t.length;
            }
            for (int i = 0; i < b.items.size(); i++) {
                b.items.get(i).bodyEnd = i + 1 < b.items.size() ? b.items.get(i + 1).bodyStart : b.endPos;
            }
        }
    }

    /** Closes a block for good, or suspends a numbered one so that "2." after a paragraph continues it. */
    private static void end(Block b, int pos, boolean close) {
        if (b.endPos < 0 || !b.suspended) {
            b.endPos = pos;
        }
        if (close || b.kind == TextLayout.BULLET) {
            b.closed = true;
        } else {
            b.suspended = true;
        }
    }

    // ---------------------------------------------------------------- per-product headings and bold leads

    private static void headingBlocks(TextLayout t, List<Block> all, List<MentionMatcher.Mention> mentions,
                                      int entityCount) {
        List<Integer> headings = new ArrayList<>();
        for (int l = 0; l < t.lineCount; l++) {
            if (t.kind[l] == TextLayout.HEADING) {
                headings.add(l);
            }
        }
        if (headings.size() < 2) {
            for (int l : headings) {
                Block single = new Block(TextLayout.HEADING, 0);
                Item item = headingItem(t, headings, headings.indexOf(l));
                single.items.add(item);
                all.add(single);
            }
            return;
        }
        // group siblings: same level, no shallower heading in between
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer>[] current = newGroupArray();
        for (int h = 0; h < headings.size(); h++) {
            int lvl = t.level[headings.get(h)];
            for (int deeper = lvl + 1; deeper <= 6; deeper++) {
                current[deeper] = null;
            }
            if (current[lvl] == null) {
                current[lvl] = new ArrayList<>();
                groups.add(current[lvl]);
            }
            current[lvl].add(h);
        }
        for (List<Integer> group : groups) {
            List<Item> items = new ArrayList<>();
            for (int h : group) {
                items.add(headingItem(t, headings, h));
            }
            all.add(productBlock(t, TextLayout.HEADING, items, mentions, entityCount));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Integer>[] newGroupArray() {
        return new List[7];
    }

    private static Item headingItem(TextLayout t, List<Integer> headings, int h) {
        int l = headings.get(h);
        Item item = new Item(l, TextLayout.HEADING, t.lineStart[l]);
        item.numbered = t.number[l] >= 0;
        item.bodyEnd = t.length;
        for (int k = h + 1; k < headings.size(); k++) {
            if (t.level[headings.get(k)] <= t.level[l]) {
                item.bodyEnd = t.lineStart[headings.get(k)];
                break;
            }
        }
        return item;
    }

    private static void boldBlocks(TextLayout t, List<Block> all, List<MentionMatcher.Mention> mentions,
                                   int entityCount) {
        List<Item> group = new ArrayList<>();
        for (int l = 0; l <= t.lineCount; l++) {
            boolean split = l == t.lineCount || t.kind[l] == TextLayout.HEADING;
            if (split) {
                if (!group.isEmpty()) {
                    int end = l == t.lineCount ? t.length : t.lineStart[l];
                    for (int i = 0; i < group.size(); i++) {
                        group.get(i).bodyEnd = i + 1 < group.size() ? group.get(i + 1).bodyStart : end;
                    }
                    all.add(productBlock(t, TextLayout.BOLD, group, mentions, entityCount));
                    group = new ArrayList<>();
                }
                continue;
            }
            if (t.kind[l] == TextLayout.BOLD && t.indent[l] < 2 && !runsOn(t, l)) {
                Item item = new Item(l, TextLayout.BOLD, t.lineStart[l]);
                item.numbered = t.number[l] >= 0;
                group.add(item);
            }
        }
    }

    /**
     * "**Trade Republic** pays interest...", "**DeepL:** Texts submitted through DeepL Pro are deleted...", "**Wyze
     * Lock Bolt** (~$80) is the cheapest...": a paragraph that merely opens with a bold name, not an item. A bold
     * line of its own, a numbered one, or one the rest of the line follows after a dash ("**Box** — strong
     * permissions") is.
     */
    private static boolean runsOn(TextLayout t, int l) {
        int p = t.contentStart[l];
        int close = t.text.indexOf(t.text.substring(p, p + 2), p + 2);
        if (t.number[l] >= 0 || close < 0) {
            return false;
        }
        int inner = close;
        while (inner > p + 2 && t.text.charAt(inner - 1) == ' ') {
            inner--;
        }
        int r = close + 2;
        while (r < t.lineEnd[l] && t.text.charAt(r) == ' ') {
            r++;
        }
        if (t.text.charAt(inner - 1) == ':' || r < t.lineEnd[l] && t.text.charAt(r) == ':') {
            // a name as the paragraph's label, the paragraph on the same line
            while (r < t.lineEnd[l] && (t.text.charAt(r) == ':' || t.text.charAt(r) == ' ')) {
                r++;
            }
            return r < t.lineEnd[l];
        }
        if ("—–-.".indexOf(t.text.charAt(inner - 1)) >= 0) {
            return false;
        }
        if (r < t.lineEnd[l] && t.text.charAt(r) == '(') {
            // "**Wyze Lock Bolt** (~$80) is the cheapest...": the sentence goes on after the bracket
            int close2 = t.text.indexOf(')', r);
            if (close2 > 0 && close2 < t.lineEnd[l]) {
                int after = close2 + 1;
                while (after < t.lineEnd[l] && t.text.charAt(after) == ' ') {
                    after++;
                }
                return after < t.lineEnd[l] && Character.isLowerCase(t.text.charAt(after));
            }
        }
        return r < t.lineEnd[l] && "—–-(|,".indexOf(t.text.charAt(r)) < 0;
    }

    /** Keeps the per-product items of a heading or bold group; an empty block when it is not per-product. */
    private static Block productBlock(TextLayout t, byte kind, List<Item> items,
                                      List<MentionMatcher.Mention> mentions, int entityCount) {
        Block block = new Block(kind, 0);
        int numbered = 0;
        boolean tracked = false;
        for (Item item : items) {
            item.subjects = subjects(t, item, mentions, entityCount);
            item.hasSubject = any(item.subjects);
            tracked |= item.hasSubject;
            if (item.numbered) {
                numbered++;
            }
        }
        if (numbered < 2 && !tracked) {
            // "### KQi2 Pro" over "NIU's compact commuter...", "### 800 Series" over "Bosch's 800 Series is...":
            // unnumbered sections that each name a product line, their makers in their bodies
            int lines = 0;
            for (Item item : items) {
                if (!item.hasSubject && productLine(t, item, mentions)) {
                    lines++;
                }
            }
            tracked = lines >= 2;
        }
        if (numbered >= 2) {
            for (Item item : items) {
                if (item.numbered) {
                    block.items.add(item);
                }
            }
        } else if (tracked) {
            for (Item item : items) {
                if (item.hasSubject ? !comparison(t, item, mentions) : !t.labelLead[item.line] && !title(t, item)) {
                    block.items.add(item);
                }
            }
        } else {
            // not a list, but a lone product heading still owns its section for sentiment
            for (Item item : items) {
                if (item.hasSubject) {
                    Block single = new Block(kind, 0);
                    single.items.add(item);
                    return single;
                }
            }
        }
        // a kept item's body runs over the label lines ("**Pros:**", "**Cons:**") that follow it
        for (int i = 0; i + 1 < block.items.size(); i++) {
            block.items.get(i).bodyEnd = block.items.get(i + 1).bodyStart;
        }
        if (!block.items.isEmpty() && kind == TextLayout.BOLD) {
            block.items.get(block.items.size() - 1).bodyEnd = items.get(items.size() - 1).bodyEnd;
        }
        return block;
    }

    /** "### Doodle vs. Calendly: Group Polls vs. Booking Links": a heading naming two products compares them. */
    private static boolean comparison(TextLayout t, Item item, List<MentionMatcher.Mention> mentions) {
        if (item.kind != TextLayout.HEADING) {
            return false;
        }
        int first = -1;
        for (MentionMatcher.Mention m : mentions) {
            if (m.start >= t.lineEnd[item.line]) {
                break;
            }
            if (m.start >= t.lineStart[item.line]) {
                if (first >= 0 && m.entity != first) {
                    return true;
                }
                first = m.entity;
            }
        }
        return false;
    }

    /**
     * "### Refinancing with Rocket Mortgage, Better or loanDepot" over an introduction, then "### Rocket Mortgage",
     * "### Better"...: a heading that opens the answer, names no single option and has sections of the same level after
     * it is the answer's title, not an option.
     */
    private static boolean title(TextLayout t, Item item) {
        if (item.kind != TextLayout.HEADING) {
            return false;
        }
        for (int l = 0; l < item.line; l++) {
            if (t.kind[l] != TextLayout.BLANK) {
                return false;
            }
        }
        return true;
    }

    /** Words that open a closing paragraph: "**Bottom line:**", "Verdict:", "**My suggestion:**". */
    private static final Set<String> CLOSING = Set.of("recommendation", "recommendations", "verdict", "bottom",
            "summary", "conclusion", "overall", "final", "takeaway", "takeaways", "tl", "tldr", "ultimately");
    private static final Set<String> MY_CLOSING = Set.of("take", "suggestion", "recommendation", "pick", "advice",
            "verdict");

    /**
     * A product section ends at a horizontal rule, and the last one also at a closing paragraph: the answer's
     * conclusion is about all the products, not about the one listed last.
     */
    private static void endSection(TextLayout t, Item item, boolean last) {
        for (int l = item.line + 1; l < t.lineCount && t.lineStart[l] < item.bodyEnd; l++) {
            if (t.rule[l] || last && closing(t, l)) {
                item.bodyEnd = t.lineStart[l];
                return;
            }
        }
    }

    private static boolean closing(TextLayout t, int l) {
        if (t.kind[l] != TextLayout.BOLD && t.kind[l] != TextLayout.TEXT) {
            return false;
        }
        int colon = t.text.indexOf(':', t.contentStart[l]);
        if (colon < 0 || colon >= t.lineEnd[l] || colon - t.contentStart[l] > 30) {
            return false;
        }
        int a = t.atomAtOrAfter(t.contentStart[l]);
        if (a >= t.atomCount || t.atomStart[a] >= colon) {
            return false;
        }
        String first = t.atomLower(a);
        return CLOSING.contains(first) || first.equals("my") && a + 1 < t.atomCount && t.atomStart[a + 1] < colon
                && MY_CLOSING.contains(t.atomLower(a + 1));
    }

    // ---------------------------------------------------------------- tables

    private void tableBlocks(TextLayout t, List<Block> all) {
        int l = 0;
        while (l < t.lineCount) {
            if (t.kind[l] != TextLayout.TABLE && t.kind[l] != TextLayout.TABLE_SEP) {
                l++;
                continue;
            }
            int start = l;
            while (l < t.lineCount && (t.kind[l] == TextLayout.TABLE || t.kind[l] == TextLayout.TABLE_SEP)) {
                l++;
            }
            int sep = -1;
            for (int k = start; k < l; k++) {
                if (t.kind[k] == TextLayout.TABLE_SEP) {
                    sep = k;
                    break;
                }
            }
            Block block = new Block(TextLayout.TABLE, 0);
            int header = sep > start && t.kind[sep - 1] == TextLayout.TABLE ? sep - 1 : -1;
            for (int k = sep < 0 ? start : sep + 1; k < l; k++) {
                if (t.kind[k] == TextLayout.TABLE) {
                    Item item = new Item(k, TextLayout.TABLE, t.lineStart[k]);
                    item.bodyEnd = t.lineEnd[k];
                    block.items.add(item);
                    tableRow[k] = item;
                    tableHeader[k] = header;
                }
            }
            all.add(block);
        }
    }

    /** True for a table's header row (the line above the separator). */
    boolean isTableHeader(int line) {
        return line + 1 < layout.lineCount && layout.kind[line] == TextLayout.TABLE
                && layout.kind[line + 1] == TextLayout.TABLE_SEP;
    }

    /** The row item of a table body line, or null. */
    Item tableRow(int line) {
        return tableRow[line];
    }

    /** The entities the header names for the column holding pos ("| Feature | Box | Dropbox |"), or null. */
    int[] columnSubjects(int line, int pos) {
        Column column = column(line, pos);
        return column == null ? null : column.subjects;
    }

    /**
     * {@link ProsCons#CONS} when the column holding pos is headed "Main drawback", "Weakness", "Watch out for"...,
     * {@link ProsCons#PROS} under "Strengths", "Pros"..., else {@link ProsCons#NONE}.
     */
    byte columnSide(int line, int pos) {
        Column column = column(line, pos);
        return column == null ? ProsCons.NONE : column.side;
    }

    /** What a table's header says about one column. */
    private record Column(int[] subjects, byte side) {
    }

    /** Per header line, its columns, read when first asked for. */
    private Column[][] columns;

    /** The header column above the cell holding pos, or null. */
    private Column column(int line, int pos) {
        int header = tableHeader[line];
        if (header < 0) {
            return null;
        }
        if (columns == null) {
            columns = new Column[layout.lineCount][];
        }
        if (columns[header] == null) {
            columns[header] = readHeader(header);
        }
        int k = columnOf(line, pos);
        return k >= 0 && k < columns[header].length ? columns[header][k] : null;
    }

    private Column[] readHeader(int header) {
        TextLayout t = layout;
        List<Column> out = new ArrayList<>();
        int cellStart = t.contentStart[header] + (t.text.charAt(t.contentStart[header]) == '|' ? 1 : 0);
        for (int i = cellStart; i <= t.lineEnd[header]; i++) {
            if (i == t.lineEnd[header] || t.text.charAt(i) == '|' && !t.masked.get(i)) {
                out.add(readCell(cellStart, i));
                cellStart = i + 1;
            }
        }
        return out.toArray(new Column[0]);
    }

    private Column readCell(int from, int to) {
        int[] found = new int[2];
        int n = 0;
        for (MentionMatcher.Mention m : mentions) {
            if (m.start >= from && m.start < to && !contains(found, n, m.entity)) {
                if (n == found.length) {
                    found = java.util.Arrays.copyOf(found, n * 2);
                }
                found[n++] = m.entity;
            }
        }
        byte side = ProsCons.NONE;
        int first = layout.atomAtOrAfter(from);
        for (int a = first; a < layout.atomCount && layout.atomStart[a] < to; a++) {
            String next = a + 1 < layout.atomCount && layout.atomStart[a + 1] < to ? layout.atomLower(a + 1) : null;
            side = ProsCons.side(a > first ? layout.atomLower(a - 1) : null, layout.atomLower(a), next, side);
        }
        return new Column(n == 0 ? null : java.util.Arrays.copyOf(found, n), side);
    }

    /** 0-based column of pos in a table line. */
    private int columnOf(int line, int pos) {
        TextLayout t = layout;
        int from = t.contentStart[line];
        int column = t.text.charAt(from) == '|' ? -1 : 0;
        for (int i = from; i < pos; i++) {
            if (t.text.charAt(i) == '|' && !t.masked.get(i)) {
                column++;
            }
        }
        return column;
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int k = 0; k < count; k++) {
            if (values[k] == value) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- leads

    private static boolean[] subjects(TextLayout t, Item item, List<MentionMatcher.Mention> mentions,
                                      int entityCount) {
        boolean[] subjects = new boolean[entityCount];
        int l = item.line;
        int ls = t.leadStart[l];
        int le = t.leadEnd[l];
        if (ls < 0) {
            return subjects;
        }
        int first = afterChoiceVerb(t, MentionMatcher.skipMarkup(t, ls, le), le);
        for (MentionMatcher.Mention m : mentions) {
            if (m.start < ls) {
                continue;
            }
            if (m.start >= le) {
                break;
            }
            // a name that runs past the lead's end holds the separator that ended it: "**C++ (Pro)**"
            if ((!t.leadStartOnly[l] || m.start == first)
                    && (!t.labelLead[l] || namesWholeLead(t, m, first, le))) {
                subjects[m.entity] = true;
            }
        }
        return subjects;
    }

    private static final Set<String> CHOICE_VERBS = Set.of("choose", "pick", "try", "get", "use");

    /** "### Choose Babbel if…", "Pick Notion if…": one section per option, the name right after the verb. */
    private static int afterChoiceVerb(TextLayout t, int p, int le) {
        int a = t.atomAtOrAfter(p);
        if (a + 1 >= t.atomCount || t.atomStart[a] != p || t.atomStart[a + 1] >= le
                || !CHOICE_VERBS.contains(t.atomLower(a))) {
            return p;
        }
        return MentionMatcher.skipMarkup(t, t.atomEnd[a], le);
    }

    /** Longest lead that still reads as a product name: "Less Annoying CRM", "Microsoft To Do". */
    private static final int NAME_WORDS = 4;

    /**
     * The item's lead reads as a product name: no label, at most four words, each with a capital letter or a digit
     * ("Zendesk Sell", "Teamwork.com", "pCloud", "1Password"). "Easy setup" and "Mobile app" are features.
     */
    private static boolean namesProduct(TextLayout t, int l) {
        int ls = t.leadStart[l];
        int le = t.leadEnd[l];
        return ls >= 0 && !t.labelLead[l] && capitalisedWords(t, ls, le);
    }

    /** [from, to) is one to four words, each with a capital letter or a digit ("Zendesk Sell", "pCloud", "Q5 Max+"). */
    private static boolean capitalisedWords(TextLayout t, int from, int to) {
        int words = 0;
        boolean letters = false;
        boolean capital = false;
        for (int i = from; i <= to; i++) {
            char c = i < to ? t.text.charAt(i) : ' ';
            if (!Character.isWhitespace(c)) {
                if (!t.masked.get(i) && Character.isLetterOrDigit(c)) {
                    letters = true;
                    capital |= Character.isUpperCase(c) || Character.isDigit(c);
                }
                continue;
            }
            if (letters && (++words > NAME_WORDS || !capital)) {
                return false;
            }
            letters = capital = false;
        }
        return words > 0;
    }

    /**
     * After a label ("Pricing: ...", "Best for teams: ..."), the lead is about an entity only when it is the name
     * itself, maybe followed by punctuation or its model ({@link #capitalisedWords}): "**Ease of use**: monday.com is
     * more visual" is about ease of use.
     */
    private static boolean namesWholeLead(TextLayout t, MentionMatcher.Mention m, int first, int le) {
        if (m.start != first) {
            return false;
        }
        int p = m.end;
        while (p < le && " *_`]".indexOf(t.text.charAt(p)) >= 0) {
            p++;
        }
        // or the product's model after it: "### Best Overall: Breville Barista Touch Impress"
        return p >= le || ",.;:!?()–—-/".indexOf(t.text.charAt(p)) >= 0 || capitalisedWords(t, p, le);
    }


    private static boolean any(boolean[] values) {
        for (boolean v : values) {
            if (v) {
                return true;
            }
        }
        return false;
    }
}
