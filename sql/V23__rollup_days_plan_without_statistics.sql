-- The first run on a fresh database took 54-73 s where it takes 20 (the benchmark's "first run after start", 1,000
-- cells at 400 ms; its analysis batches' rollup step 0.3-2.2 s each instead of tens of ms). auto_explain showed
-- rollup_days_add's entity statement (V15) reading rollup_entity first: join_collapse_limit = 1 keeps the joins in
-- the order written but lets PostgreSQL choose which side of each is the outer one, and on tables that have never
-- been analysed it estimates one row everywhere. It scanned the workspace's whole day of all-provider entity rows and,
-- for each, rescanned the batch's prompts and their rollup_answers rows without the period in the index condition:
-- quadratic in the day's rows, until autovacuum first analysed the tables. Each prompt's rows are now looked up in a
-- LATERAL subquery that is not flattened (OFFSET 0), which can only be the inner side of a nested loop driven by the
-- batch's prompts, with every column of the key bound. Same rows, same sums: only the plan changes.

CREATE OR REPLACE PROCEDURE rollup_days_add(ids bigint[], sign int)
    LANGUAGE plpgsql AS $$
DECLARE
    ws bigint;
    entities bigint[];
    seqscan text := current_setting('enable_seqscan');
    hashjoin text := current_setting('enable_hashjoin');
    mergejoin text := current_setting('enable_mergejoin');
    collapse text := current_setting('join_collapse_limit');
BEGIN
    -- a few hundred prompts, each read by the rollups' primary keys, the workspace's entities given (without them
    -- PostgreSQL reads rollup_entity's key past its second column: 0.4 s per prompt at one year): the prompts first,
    -- then, for each, index lookups of its rows (LATERAL, not flattened: OFFSET 0), whatever the estimates; no
    -- sequential scans, hash or merge joins; restored below
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_hashjoin', 'off', true);
    PERFORM set_config('enable_mergejoin', 'off', true);
    PERFORM set_config('join_collapse_limit', '1', true);
    FOR ws IN SELECT DISTINCT workspace_id FROM answer_fact WHERE response_id = ANY (ids) LOOP
        entities := ARRAY(SELECT e.id FROM entity e WHERE e.workspace_id = ws ORDER BY e.id);
        INSERT INTO rollup_days AS d (workspace_id, day, entity_id, n, prompts, sum_m2, credits, cited, refused,
                                      empty)
        SELECT ws, k.run_date, 0, sign * sum(a.answers), sign * count(*), sign * sum(a.answers::bigint * a.answers),
               sign * sum(a.credits), sign * sum(a.cited), sign * sum(a.refused), sign * sum(a.empty)
          FROM (SELECT DISTINCT run_date, prompt_id FROM answer_fact
                 WHERE response_id = ANY (ids) AND workspace_id = ws) k
         CROSS JOIN LATERAL (SELECT a.answers, a.credits, a.cited, a.refused, a.empty FROM rollup_answers a
                              WHERE a.workspace_id = ws AND a.period = k.run_date AND a.span = 1
                                AND a.provider = '' AND a.prompt_id = k.prompt_id OFFSET 0) a
         GROUP BY k.run_date
         ORDER BY k.run_date
        ON CONFLICT (workspace_id, day, entity_id) DO UPDATE
           SET n = d.n + excluded.n, prompts = d.prompts + excluded.prompts, sum_m2 = d.sum_m2 + excluded.sum_m2,
               credits = d.credits + excluded.credits, cited = d.cited + excluded.cited,
               refused = d.refused + excluded.refused, empty = d.empty + excluded.empty;
        INSERT INTO rollup_days AS d (workspace_id, day, entity_id, mentioned, sum_y2_m, rank_sum, rank_count,
                                      order_sum, order_count, sentiment_sum, sentiment_count, citing)
        SELECT ws, k.run_date, x.entity_id, sign * sum(x.mentioned),
               sign * sum(x.mentioned::numeric * x.mentioned / a.answers), sign * sum(x.rank_sum),
               sign * sum(x.rank_count), sign * sum(x.order_sum), sign * sum(x.order_count),
               sign * sum(x.sentiment_sum), sign * sum(x.sentiment_count), sign * sum(x.citing)
          FROM (SELECT DISTINCT run_date, prompt_id FROM answer_fact
                 WHERE response_id = ANY (ids) AND workspace_id = ws) k
         CROSS JOIN LATERAL (SELECT a.answers FROM rollup_answers a
                              WHERE a.workspace_id = ws AND a.period = k.run_date AND a.span = 1
                                AND a.provider = '' AND a.prompt_id = k.prompt_id OFFSET 0) a
         CROSS JOIN LATERAL (SELECT x.entity_id, x.mentioned, x.rank_sum, x.rank_count, x.order_sum, x.order_count,
                                    x.sentiment_sum, x.sentiment_count, x.citing
                               FROM rollup_entity x
                              WHERE x.workspace_id = ws AND x.period = k.run_date AND x.span = 1
                                AND x.provider = '' AND x.entity_id = ANY (entities) AND x.prompt_id = k.prompt_id
                             OFFSET 0) x
         GROUP BY k.run_date, x.entity_id
         ORDER BY k.run_date, x.entity_id
        ON CONFLICT (workspace_id, day, entity_id) DO UPDATE
           SET mentioned = d.mentioned + excluded.mentioned, sum_y2_m = d.sum_y2_m + excluded.sum_y2_m,
               rank_sum = d.rank_sum + excluded.rank_sum, rank_count = d.rank_count + excluded.rank_count,
               order_sum = d.order_sum + excluded.order_sum, order_count = d.order_count + excluded.order_count,
               sentiment_sum = d.sentiment_sum + excluded.sentiment_sum,
               sentiment_count = d.sentiment_count + excluded.sentiment_count, citing = d.citing + excluded.citing;
    END LOOP;
    PERFORM set_config('enable_seqscan', seqscan, true);
    PERFORM set_config('enable_hashjoin', hashjoin, true);
    PERFORM set_config('enable_mergejoin', mergejoin, true);
    PERFORM set_config('join_collapse_limit', collapse, true);
END $$;
