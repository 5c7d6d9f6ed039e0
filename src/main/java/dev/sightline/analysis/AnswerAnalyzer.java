package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.sightline.values.Citation;
import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/**
 * Measures how one answer talks about a workspace's tracked entities: mentions, list rank, first-appearance
 * order, sentiment, evidence, and the pages it cites. Plain Java, no I/O; an instance holds only what it
 * compiled from its entity set and is safe to share between threads.
 */
public final class AnswerAnalyzer {

    /** Stored with every analysis; bump whenever a rule changes what the analyzer reports. */
    public static final String VERSION = "1.8.0";

    private static final int SNIPPET_WINDOW = 160;
    private static final int LONG_SENTENCE = 300;

    private final List<TrackedEntity> entities;
    private final MentionMatcher matcher;
    private final CitationExtractor citations;

    public AnswerAnalyzer(List<TrackedEntity> entities) {
        this.entities = List.copyOf(Objects.requireNonNull(entities, "entities"));
        this.matcher = new MentionMatcher(this.entities);
        List<List<String>> domains = new ArrayList<>();
        for (int e = 0; e < this.entities.size(); e++) {
            domains.add(matcher.domainsOf(e));
        }
        this.citations = new CitationExtractor(this.entities, domains);
    }

    public List<TrackedEntity> entities() {
        return entities;
    }

    /** What the rules found in a text, before the sentiment model (analyze and the model's training read it). */
    record Scored(TextLayout layout, List<MentionMatcher.Mention> mentions, AnswerState state, int[] ranks,
                  SentimentScorer.Tally[] tallies) {
    }

    Scored score(String text) {
        TextLayout layout = new TextLayout(text);
        int n = entities.size();
        List<MentionMatcher.Mention> mentions = matcher.find(layout);
        AnswerState state = AnswerState.of(layout, mentions);
        if (state != AnswerState.ANSWERED) {
            mentions = List.of(); // a refusal that repeats names recommends nobody
        }
        ListStructure lists = new ListStructure(layout, mentions, n);
        return new Scored(layout, mentions, state, lists.ranks(n), SentimentScorer.score(layout, mentions, lists, n));
    }

    public Analysis analyze(String text, List<Citation> nativeCitations) {
        Scored scored = score(text);
        TextLayout layout = scored.layout();
        int n = entities.size();
        List<MentionMatcher.Mention> mentions = scored.mentions();
        AnswerState state = scored.state();
        int[] ranks = scored.ranks();
        SentimentScorer.Tally[] tallies = scored.tallies();

        List<List<Evidence>> evidence = new ArrayList<>(n);
        for (int e = 0; e < n; e++) {
            evidence.add(new ArrayList<>());
        }
        int[] order = new int[n];
        int nextOrder = 1;
        for (MentionMatcher.Mention m : mentions) {
            evidence.get(m.entity).add(evidence(layout, m));
            if (order[m.entity] == 0) {
                order[m.entity] = nextOrder++;
            }
        }
        List<EntityResult> results = new ArrayList<>(n);
        int mentionedCount = 0;
        int brandMentioned = 0;
        for (int e = 0; e < n; e++) {
            List<Evidence> ev = evidence.get(e);
            boolean mentioned = !ev.isEmpty();
            if (mentioned) {
                mentionedCount++;
                if (entities.get(e).kind() == EntityKind.BRAND) {
                    brandMentioned++;
                }
            }
            results.add(new EntityResult(entities.get(e), mentioned, ev.size(),
                    mentioned && ranks[e] > 0 ? ranks[e] : null,
                    mentioned ? order[e] : null,
                    mentioned ? SentimentModel.label(tallies[e], ranks[e] > 0) : null,
                    mentioned ? tallies[e].score() : null,
                    ev));
        }
        double shareOfVoice = mentionedCount == 0 ? 0 : (double) brandMentioned / mentionedCount;
        return new Analysis(VERSION, state, brandMentioned > 0, shareOfVoice, results,
                citations.extract(layout, nativeCitations));
    }

    /**
     * The mention with the bounds of its snippet: the sentence (a table row for tables) around it, or a window of
     * it when long.
     */
    private static Evidence evidence(TextLayout t, MentionMatcher.Mention m) {
        int line = t.lineOf(m.start);
        int s;
        int e;
        int sent = t.sentenceOf(m.start);
        if (t.kind[line] == TextLayout.TABLE || sent < 0) {
            s = t.lineStart[line];
            e = t.lineEnd[line];
        } else {
            s = t.sentStart[sent];
            e = t.sentEnd[sent];
        }
        if (e - s > LONG_SENTENCE) {
            int half = (SNIPPET_WINDOW - (m.end - m.start)) / 2;
            s = Math.max(s, m.start - Math.max(0, half));
            e = Math.min(e, m.end + Math.max(0, half));
            while (s > 0 && s < m.start && !Character.isWhitespace(t.text.charAt(s - 1))) {
                s++;
            }
            while (e < t.length && e > m.end && !Character.isWhitespace(t.text.charAt(e))) {
                e--;
            }
        }
        return Evidence.of(t.text, m.start, m.end, s, e);
    }
}
