package dev.sightline.analysis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The last step of an entity's sentiment: a multinomial logistic regression over what the rules found (their label,
 * the strengths and weaknesses summed, the score, the clauses about the entity, whether it has a list rank) and the
 * words of those clauses, a word after a negator marked as negated ({@code NOT_cheap}). The rules read the answer's
 * structure (which clauses are about which product, comparisons, pros and cons); the weights, trained on the tuning
 * sets' labels ({@code sentiment-model-1.tsv}, made by {@code src/test/python/train_sentiment.py}), weigh their
 * findings and the words the lexicon lacks. On answers of writers and markets it was not trained on, it agreed with
 * more labels than the rules alone (README, "How rank and sentiment are decided"). Deterministic: fixed weights, one
 * pass over the clauses' text.
 */
final class SentimentModel {

    private static final Sentiment[] CLASSES = {Sentiment.POSITIVE, Sentiment.NEUTRAL, Sentiment.NEGATIVE,
            Sentiment.MIXED};
    private static final Set<String> NEGATORS = Set.of("not", "no", "never", "isn't", "aren't", "doesn't", "don't",
            "can't", "won't", "without", "hardly", "lacks", "lack");
    private static final String RESOURCE = "sentiment-model-1.tsv";

    /** Weights per feature, one per class in {@link #CLASSES} order; the bias under {@code __bias__}. */
    private static final Map<String, double[]> WEIGHTS = load();
    private static final double[] BIAS = weight("__bias__");
    /** The words' weights by the word alone (the file's {@code w:} features), so a lookup makes no string. */
    private static final Map<String, double[]> WORDS = wordWeights();
    /** The fixed features' weights, looked up once (zero when the model has none). */
    private static final Map<Sentiment, double[]> RULE = ruleWeights();
    private static final double[] P = weight("P");
    private static final double[] N = weight("N");
    private static final double[] SCORE = weight("score");
    private static final double[] P_CLEAR = weight("Pclear");
    private static final double[] N_CLEAR = weight("Nclear");
    private static final double[] CLAUSES = weight("ncl");
    private static final double[] RANKED = weight("ranked");

    private SentimentModel() {
    }

    static Sentiment label(SentimentScorer.Tally t, boolean ranked) {
        double[] z = BIAS.clone();
        add(z, RULE.get(t.label()), 1);
        double p = t.clausePositive;
        double n = t.clauseNegative;
        add(z, P, Math.min(p, 4) / 2);
        add(z, N, Math.min(n, 4) / 2);
        add(z, SCORE, t.score());
        add(z, P_CLEAR, p >= SentimentScorer.CLEAR ? 1 : 0);
        add(z, N_CLEAR, n >= SentimentScorer.CLEAR ? 1 : 0);
        add(z, CLAUSES, Math.log1p(t.clauses));
        add(z, RANKED, ranked ? 1 : 0);
        for (String word : words(t.said)) {
            double[] w = WORDS.get(word);
            if (w != null) {
                add(z, w, 1);
            }
        }
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return CLASSES[best];
    }

    private static void add(double[] z, double[] w, double value) {
        if (value != 0) {
            for (int k = 0; k < z.length; k++) {
                z[k] += w[k] * value;
            }
        }
    }

    private static double[] weight(String feature) {
        return WEIGHTS.getOrDefault(feature, new double[CLASSES.length]);
    }

    private static Map<Sentiment, double[]> ruleWeights() {
        Map<Sentiment, double[]> m = new java.util.EnumMap<>(Sentiment.class);
        for (Sentiment s : Sentiment.values()) {
            m.put(s, weight("rule=" + s.name()));
        }
        return m;
    }

    /**
     * The distinct words of the text, lowercase: a letter a to z and the letters, apostrophes and hyphens after it;
     * punctuation (;,.:!?) ends a negator's reach, and a word after a negator is {@code NOT_word}.
     */
    static Set<String> words(CharSequence said) {
        String text = said.toString().toLowerCase(java.util.Locale.ROOT);
        Set<String> out = new HashSet<>();
        boolean negated = false;
        int i = 0;
        int len = text.length();
        while (i < len) {
            char c = text.charAt(i);
            if (c >= 'a' && c <= 'z') {
                int start = i;
                i++;
                while (i < len) {
                    char d = text.charAt(i);
                    if (d >= 'a' && d <= 'z' || d == '\'' || d == '-') {
                        i++;
                    } else {
                        break;
                    }
                }
                String word = text.substring(start, i);
                if (NEGATORS.contains(word)) {
                    negated = true;
                    out.add(word);
                } else {
                    out.add(negated ? "NOT_" + word : word);
                }
                continue;
            }
            if (c == ';' || c == ',' || c == '.' || c == ':' || c == '!' || c == '?') {
                negated = false;
            }
            i++;
        }
        return out;
    }

    private static Map<String, double[]> wordWeights() {
        Map<String, double[]> m = new HashMap<>();
        WEIGHTS.forEach((k, v) -> {
            if (k.startsWith("w:")) {
                m.put(k.substring(2), v);
            }
        });
        return Map.copyOf(m);
    }

    private static Map<String, double[]> load() {
        Map<String, double[]> m = new HashMap<>();
        try (InputStream in = SentimentModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                double[] w = new double[CLASSES.length];
                for (int k = 0; k < w.length; k++) {
                    w[k] = Double.parseDouble(f[k + 1]);
                }
                m.put(f[0], w);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }
}
