package dev.sightline.analysis;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What kind of answer a reply is: {@code answered}, {@code refused} (the model declined, or said it cannot recommend
 * or browse, and named no product outside saying so) or {@code empty} (no words at all). A refused or empty answer
 * mentions nobody, whatever names its refusal repeats. The rule in words is in README.md ("Answer states").
 */
public enum AnswerState {
    ANSWERED, REFUSED, EMPTY;

    /** How many opening sentences may hold the refusal: a decline comes first, not after a list of options. */
    private static final int OPENING_SENTENCES = 2;

    private static final String CANNOT = "(?:can't|cannot|can not|won't|will not|am unable to|'m unable to|"
            + "am not able to|'m not able to|'d rather not|would rather not|must decline to|have to decline to|"
            + "am not in a position to|'m not in a position to)";
    private static final Pattern DECLINE = Pattern.compile(
            "\\b(?:i|we)\\s*" + CANNOT + "\\s+(?:really\\s+|personally\\s+)?"
                    + "(?:recommend|endorse|suggest|name|single out|pick|choose|rank|favou?r|promote|advise on|"
                    + "(?:give|make|offer|provide)\\s+(?:you\\s+)?(?:(?:specific|personal|product|individual)\\s+)?"
                    + "(?:recommendations|endorsements|a recommendation)|"
                    + "browse|search the (?:web|internet)|access (?:the internet|the web|real-time|current|live)|"
                    + "help with (?:that|this)|assist with (?:that|this))\\b"
                    + "|\\b(?:i|we)\\s*(?:do not|don't)\\s+have\\s+(?:the\\s+ability|access|the\\s+means)\\s+to\\s+"
                    + "(?:browse|search|access|look up)\\b"
                    + "|\\bi(?:'m| am) sorry,? but i\\s*(?:can't|cannot|won't|am unable to|'m unable to)\\b"
                    + "|\\bas an ai\\b[^.!?]{0,60}\\b(?:can't|cannot|don't|do not|am unable to)\\s+"
                    + "(?:recommend|endorse|browse|access|provide|have)\\b");
    /** "I can't browse, but the best options are..." declines nothing: it goes on to recommend. */
    private static final Pattern BUT_ANSWERS = Pattern.compile(
            "\\bbut\\b[^.!?]*\\b(?:popular|options include|include|including|top|best|recommend|consider|worth)\\b");

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param mentions the valid mentions the matcher found; a refused answer's mentions all lie in its refusal
     */
    static AnswerState of(TextLayout t, List<MentionMatcher.Mention> mentions) {
        if (!hasWords(t.text)) {
            return EMPTY;
        }
        int opening = Math.min(OPENING_SENTENCES, t.sentCount);
        boolean[] declines = new boolean[opening];
        boolean declined = false;
        for (int s = 0; s < opening; s++) {
            String sentence = t.text.substring(t.sentStart[s], t.sentEnd[s]).toLowerCase(Locale.ROOT)
                    .replace('\u2019', '\'');
            var decline = DECLINE.matcher(sentence);
            declines[s] = decline.find() && !BUT_ANSWERS.matcher(sentence).region(decline.end(), sentence.length()).find();
            declined |= declines[s];
        }
        if (!declined) {
            return ANSWERED;
        }
        for (MentionMatcher.Mention m : mentions) {
            int s = t.sentenceOf(m.start);
            if (s < 0 || s >= opening || !declines[s]) {
                return ANSWERED; // it declined one thing and then named products anyway
            }
        }
        return REFUSED;
    }

    private static boolean hasWords(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isLetterOrDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
