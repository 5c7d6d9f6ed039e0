-- Storage (issue 18): a mention's sentiment score kept in its row of analysis.mentions, as thousandths, instead of in
-- an array of its own. The analyzer rounds every score to three decimals (SentimentScorer), so the thousandths are
-- the score exactly: the mention view divides them by 1000 as a double, which gives the very double the analyzer
-- wrote (both divisions round correctly). mention_scores was a second array header (24 bytes) and 8 bytes a mention
-- for every analysis with mentions: at one year of the history benchmark 59 MB, where the seventh column takes about
-- 4 bytes a mention.
--
--   analysis.mentions        int[n][7] from now on: entity_id, mentioned, mention_count, list_rank, mention_order,
--                            sentiment (codes as V28), sentiment_score in thousandths
--   analysis.mention_scores  NULL, unless a score is not a whole number of thousandths (then it is kept as written)
--
-- Rows written before keep their six columns and their mention_scores, and read as they did; nothing is rewritten.
ALTER TABLE analysis DROP CONSTRAINT analysis_mentions_check;
ALTER TABLE analysis ADD CONSTRAINT analysis_mentions_check CHECK (
    (mentions IS NULL OR array_ndims(mentions) = 2 AND array_length(mentions, 2) IN (6, 7))
    AND (mentions IS NULL OR array_length(mentions, 2) = 7 OR mention_scores IS NOT NULL)
    AND coalesce(array_length(mention_scores, 1) = array_length(mentions, 1), mention_scores IS NULL)
    AND coalesce(array_length(mention_offsets, 1) = array_length(mentions, 1), mention_offsets IS NULL)
    AND coalesce(array_length(mention_evidence, 1) = array_length(mentions, 1), mention_evidence IS NULL));

-- as V28's, the score from mention_scores where a row has one, else from the seventh column
CREATE OR REPLACE VIEW mention AS
SELECT a.response_id, a.mentions[i][1]::bigint AS entity_id, a.mentions[i][2] = 1 AS mentioned,
       a.mentions[i][3] AS mention_count, a.mentions[i][4] AS list_rank, a.mentions[i][5] AS mention_order,
       (mention_sentiments())[a.mentions[i][6]] AS sentiment,
       coalesce(a.mention_scores[i], a.mentions[i][7]::float8 / 1000) AS sentiment_score,
       a.mention_evidence[i] AS evidence, a.mention_offsets[i] AS evidence_offsets
  FROM analysis a CROSS JOIN LATERAL generate_subscripts(a.mentions, 1) AS i;
