-- Calls about analysed answers, after write-analyses.sql in the same transaction: a grader prompt's call for an
-- experiment answer (dev.sightline.experiment.Grading), a judge's call for a sweep answer (dev.sightline.judge.Judging).
-- Each is a cell of the answer's run, counted in its cells_total, while the run is open; one per answer and kind.
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
