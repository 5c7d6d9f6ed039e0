-- The judge's sentiment beside the analyzer's, after write-analyses.sql in the same transaction
-- (dev.sightline.judge.Judging): judgements read from replies or copied from the cache, and their per-entity sentiment.
INSERT INTO judgement (response_id, workspace_id, cache_key, status, judge_cell_id, cached_from, verdict, error,
                       raw_answer, created_at)
SELECT r, w, k, st, jc, cf, v::jsonb, err, raw, now()
  FROM unnest(:?judgementResponseIds::bigint[], :?judgementWorkspaceIds::bigint[], :?judgementCacheKeys::text[],
              :?judgementStatuses::text[], :?judgementCellIds::bigint[], :?judgementCachedFrom::bigint[],
              :?judgementVerdicts::text[], :?judgementErrors::text[], :?judgementRawAnswers::text[])
       AS t(r, w, k, st, jc, cf, v, err, raw)
ON CONFLICT (response_id) DO UPDATE
   SET cache_key = excluded.cache_key, status = excluded.status, judge_cell_id = excluded.judge_cell_id,
       cached_from = excluded.cached_from, verdict = excluded.verdict, error = excluded.error,
       raw_answer = excluded.raw_answer, created_at = excluded.created_at;
DELETE FROM judged_sentiment WHERE response_id = ANY (:?judgementResponseIds::bigint[]);
INSERT INTO judged_sentiment (response_id, entity_id, sentiment, sentiment_score)
SELECT r, e, s, sc
  FROM unnest(:?judgedResponseIds::bigint[], :?judgedEntityIds::bigint[], :?judgedSentiments::text[],
              :?judgedScores::float8[]) AS t(r, e, s, sc);
