package dev.sightline.analysis;

import java.io.PrintWriter;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the sentiment model's training rows: one JSON line per labelled, mentioned entity of the given corpora, with
 * the label and what the rules found ({@link SentimentModel} reads the same). {@code src/test/python/
 * train_sentiment.py} turns them into {@code sentiment-model-1.tsv}; README says how.
 */
public final class SentimentFeatures {

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (PrintWriter out = new PrintWriter(args[args.length - 1], "UTF-8")) {
            for (int f = 0; f < args.length - 1; f++) {
                Path path = Path.of(args[f]);
                String set = path.getFileName().toString().replace(".json", "");
                for (Corpus.Entry entry : Corpus.load(path)) {
                    AnswerAnalyzer analyzer = new AnswerAnalyzer(entry.entities());
                    AnswerAnalyzer.Scored s = analyzer.score(entry.text());
                    boolean[] mentioned = new boolean[analyzer.entities().size()];
                    s.mentions().forEach(m -> mentioned[m.entity] = true);
                    for (int e = 0; e < mentioned.length; e++) {
                        Corpus.Expected exp = entry.expectedFor(analyzer.entities().get(e).name());
                        if (!mentioned[e] || !exp.mentioned() || exp.sentiment() == null) {
                            continue;
                        }
                        SentimentScorer.Tally t = s.tallies()[e];
                        ObjectNode o = json.createObjectNode();
                        o.put("set", set).put("id", entry.id()).put("entity", analyzer.entities().get(e).name())
                                .put("label", exp.sentiment().name()).put("rule", t.label().name())
                                .put("P", t.clausePositive).put("N", t.clauseNegative).put("score", t.score())
                                .put("clauses", t.clauses).put("ranked", s.ranks()[e] > 0)
                                .put("said", t.said.toString());
                        out.println(json.writeValueAsString(o));
                    }
                }
            }
        }
    }
}
