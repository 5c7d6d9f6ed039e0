-- Storage (issue 18): what the rollups' keys lose to half-empty pages, and an index nothing needed so wide.
--
-- The rollups' primary keys take their rows in the middle of their order (a day's batches interleave by prompt), so
-- their pages split in halves and stay there: at one year of the history benchmark rollup_entity_pkey was 450 MB at
-- 55% leaf density, and 273 MB rebuilt. The app now rebuilds those keys (REINDEX CONCURRENTLY: reads and writes go
-- on) once one has grown by sightline.storage.reindex-growth since its last rebuild, recorded here.
CREATE TABLE index_compaction (
    index_name   text        PRIMARY KEY,
    -- the index's size right after its last rebuild
    bytes        bigint      NOT NULL CHECK (bytes >= 0),
    compacted_at timestamptz NOT NULL
);

-- A run's answer facts are found by run alone (its report, whether it is the only run of its day); the provider and
-- prompt in the key made each entry 40 bytes where run_id alone deduplicates to a few (89 -> 9 MB at one year).
CREATE INDEX answer_fact_by_run ON answer_fact (run_id);
DROP INDEX answer_fact_run;
