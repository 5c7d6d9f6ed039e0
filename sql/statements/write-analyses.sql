DELETE FROM mention WHERE response_id = ANY (:?responseIds::bigint[]);
DELETE FROM citation WHERE response_id = ANY (:?responseIds::bigint[]);
INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice, error, analyzed_at)
SELECT id, :?analyzerVersion, visible, sov, err, now()
  FROM unnest(:?responseIds::bigint[], :?brandVisible::boolean[], :?shareOfVoice::float8[], :?errors::text[])
       AS t(id, visible, sov, err)
ON CONFLICT (response_id) DO UPDATE
   SET analyzer_version = excluded.analyzer_version, brand_visible = excluded.brand_visible,
       share_of_voice = excluded.share_of_voice, error = excluded.error, analyzed_at = excluded.analyzed_at;
INSERT INTO mention (response_id, entity_id, mentioned, mention_count, list_rank, mention_order, sentiment,
                     sentiment_score, evidence)
SELECT r, e, true, n, rk, o, s, sc, ev::jsonb
  FROM unnest(:?mentionResponseIds::bigint[], :?mentionEntityIds::bigint[], :?mentionCounts::int[],
              :?listRanks::int[], :?mentionOrders::int[], :?sentiments::text[], :?sentimentScores::float8[],
              :?evidence::text[]) AS m(r, e, n, rk, o, s, sc, ev);
INSERT INTO citation (response_id, position, url, domain, owner, entity_id, source, marker)
SELECT r, p, u, d, o, e, s, mk
  FROM unnest(:?citationResponseIds::bigint[], :?citationPositions::int[], :?citationUrls::text[],
              :?citationDomains::text[], :?citationOwners::text[], :?citationEntityIds::bigint[],
              :?citationSources::text[], :?citationMarkers::int[]) AS c(r, p, u, d, o, e, s, mk);
INSERT INTO event (workspace_id, run_id, type, payload)
SELECT r.workspace_id, c.run_id, 'cell.finished',
       jsonb_build_object('runId', c.run_id, 'cells', jsonb_agg(jsonb_build_object(
         'cellId', c.id, 'provider', c.provider, 'promptId', c.prompt_id, 'status', c.status,
         'brandVisible', a.brand_visible, 'rank', m.list_rank) ORDER BY c.id))
       || CASE WHEN r.kind = 'experiment'
               THEN jsonb_build_object('experimentId', (SELECT e.id FROM experiment e WHERE e.run_id = r.id))
               ELSE '{}'::jsonb END
  FROM analysis_queue q
  JOIN response s ON s.id = q.response_id
  JOIN cell c ON c.id = s.cell_id
  JOIN run r ON r.id = c.run_id
  JOIN analysis a ON a.response_id = s.id
  LEFT JOIN entity b ON b.workspace_id = r.workspace_id AND b.kind = 'brand' AND b.active
  LEFT JOIN mention m ON m.response_id = s.id AND m.entity_id = b.id
 WHERE q.response_id = ANY (:?responseIds::bigint[])
 GROUP BY r.workspace_id, c.run_id, r.kind, r.id;
INSERT INTO grade (cell_id, position, grader, pass, score, reason, error, raw_answer, grader_cell_id, created_at)
SELECT c, p, g, ok, sc, why, err, raw, gc, now()
  FROM unnest(:?gradeCellIds::bigint[], :?gradePositions::int[], :?gradeGraders::text[], :?gradePasses::boolean[],
              :?gradeScores::float8[], :?gradeReasons::text[], :?gradeErrors::text[], :?gradeRawAnswers::text[],
              :?gradeGraderCellIds::bigint[]) AS t(c, p, g, ok, sc, why, err, raw, gc)
ON CONFLICT (cell_id, position) DO UPDATE
   SET grader = excluded.grader, pass = excluded.pass, score = excluded.score, reason = excluded.reason,
       error = excluded.error, raw_answer = excluded.raw_answer, grader_cell_id = excluded.grader_cell_id,
       created_at = excluded.created_at;
INSERT INTO event (workspace_id, run_id, type, payload)
SELECT e.workspace_id, e.run_id, 'cell.graded',
       jsonb_build_object('experimentId', e.id, 'runId', e.run_id,
                          'cellIds', jsonb_agg(DISTINCT ec.cell_id))
  FROM experiment_cell ec JOIN experiment e ON e.id = ec.experiment_id
 WHERE ec.cell_id = ANY (:?gradeCellIds::bigint[])
 GROUP BY e.id, e.workspace_id, e.run_id;
WITH wanted AS (
  SELECT p.id AS parent_id, p.run_id, t.kind, t.provider, t.prompt
    FROM (SELECT 'grader' AS kind, g.*
            FROM unnest(:?graderCallParentIds::bigint[], :?graderCallProviders::text[], :?graderCallPrompts::text[])
                 AS g(parent_id, provider, prompt)
          UNION ALL
          SELECT 'judge', j.*
            FROM unnest(:?judgeCallParentIds::bigint[], :?judgeCallProviders::text[], :?judgeCallPrompts::text[])
                 AS j(parent_id, provider, prompt)) t
    JOIN cell p ON p.id = t.parent_id),
open_runs AS MATERIALIZED (
  SELECT r.id FROM run r
   WHERE r.id IN (SELECT run_id FROM wanted) AND r.status = 'running' AND r.cancel_requested_at IS NULL
   ORDER BY r.id FOR UPDATE),
added AS (
  INSERT INTO cell (run_id, kind, provider, sample, prompt_text, parent_cell_id)
  SELECT w.run_id, w.kind, w.provider, 1, w.prompt, w.parent_id FROM wanted w JOIN open_runs o ON o.id = w.run_id
  ON CONFLICT (parent_cell_id, kind) WHERE parent_cell_id IS NOT NULL DO NOTHING
  RETURNING run_id)
UPDATE run r SET cells_total = r.cells_total + a.n
  FROM (SELECT run_id, count(*) AS n FROM added GROUP BY run_id) a
 WHERE r.id = a.run_id;
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
DELETE FROM analysis_queue WHERE response_id = ANY (:?queuedIds::bigint[]);
