-- Grades of experiment answers, after write-analyses.sql in the same transaction (see dev.sightline.experiment.Grading):
-- rule grades as the answer is analysed, a grader prompt's verdict when its reply is read.
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
