-- Storage (issue 18): the rollups' pages filled whole. V17 left 10% of each page free so that a rollup row's next
-- version could go on its page (a heap-only update, no new key entry), when most rows were added to by many batches.
-- Since V18 a single day's rows are written by their day's batches and an 8-day block's when it closes, and neither
-- is written again unless an answer is re-analysed or retracted: only the 64-day blocks, about 3% of the rows, are
-- still added to every day. At one year of the history benchmark the 10% was 58 of rollup_entity's 583 MB of heap
-- (pgstattuple: 11% free). New pages are filled whole; a 64-day block row's new version goes where there is room,
-- and the room its old version leaves is used again after the next vacuum. Pages written before stay as they are.
ALTER TABLE rollup_entity SET (fillfactor = 100);
ALTER TABLE rollup_answers SET (fillfactor = 100);

-- The same for the keys: a B-tree leaves 10% of a leaf free when it splits its right-most leaf or is rebuilt. The
-- rollups' keys are rebuilt as they grow (V25); the other indexes below take their entries about in key order (ids
-- from sequences, insertion times, a run's cells as they finish), at their right edge, so that room would be kept for
-- entries that never come: 10% of the 0.56 GB these indexes took at one year of the history benchmark. A leaf split
-- in the middle of its key still splits in halves.
DO $$
DECLARE
    i text;
BEGIN
    FOREACH i IN ARRAY ARRAY['rollup_entity_pkey', 'rollup_answers_pkey', 'response_pkey', 'response_cell_id_key',
                             'response_created', 'response_body_pkey', 'response_body_created', 'analysis_pkey',
                             'answer_fact_pkey', 'cell_pkey'] LOOP
        EXECUTE format('ALTER INDEX %I SET (fillfactor = 100)', i);
    END LOOP;
END $$;
