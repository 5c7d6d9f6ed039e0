-- rollup_days kept by difference instead of recounted. V13 recomputed a touched day's rows from all of that day's
-- all-provider rows at every analysis batch: each batch read the whole day so far (5,000 prompts x their entities),
-- 88 ms of the ~250 ms that rollup_record took per batch of 244 answers in the overhead benchmark (5,000 prompts a
-- day, pg_stat_statements with track=all), the analysis thread's largest cost and a cost that grew through the day.
-- Now only the prompts the given answers touch are read, by the rollups' primary keys: what their all-provider daily
-- rows counted for is taken away from the day's rows before the rollups change and added back after. Every term is
-- computed from the same row values by the same expression as in a recount (mentioned^2 / answers included, whose
-- numeric division rounds), and numeric and integer sums are exact, so the rows equal a recount's exactly;
-- rollup_rebuild (unchanged) builds them from nothing the same way. A day's or entity's row whose prompts no longer
-- count anything is deleted, as a recount would not write it.

-- What the all-provider daily rows of the prompts that these answers' facts touch count for in rollup_days, times
-- sign (1: added, -1: taken away). The caller holds the workspaces' rollup locks.
CREATE PROCEDURE rollup_days_add(ids bigint[], sign int)
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
    -- then index lookups in nested loops, in the order written, whatever the estimates (on a fresh database the
    -- statistics lag the rollups' growth, and rollup_entity read first took seconds a batch); restored below
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
          JOIN rollup_answers a ON a.workspace_id = ws AND a.span = 1 AND a.period = k.run_date AND a.provider = ''
                               AND a.prompt_id = k.prompt_id
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
          JOIN rollup_answers a ON a.workspace_id = ws AND a.span = 1 AND a.period = k.run_date AND a.provider = ''
                               AND a.prompt_id = k.prompt_id
          JOIN rollup_entity x ON x.workspace_id = ws AND x.entity_id = ANY (entities) AND x.span = 1
                              AND x.period = k.run_date AND x.provider = '' AND x.prompt_id = k.prompt_id
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

-- As in V13, with rollup_days kept by difference (above) instead of recounted per touched day.
CREATE OR REPLACE PROCEDURE rollup_apply(ids bigint[], sign int)
    LANGUAGE plpgsql AS $$
BEGIN
    -- answers without facts (new ones being retracted before their first analysis is written, failed analyses,
    -- experiment cells) change no rollup: every statement below reads their facts
    IF NOT EXISTS (SELECT 1 FROM answer_fact WHERE response_id = ANY (ids)) THEN
        RETURN;
    END IF;
    -- the days' rows without what the touched prompts counted for; added back below as they are then
    CALL rollup_days_add(ids, -1);
    INSERT INTO rollup_answers AS r (workspace_id, span, period, provider, prompt_id, answers, credits, cited,
                                     refused, empty)
    SELECT f.workspace_id, s.span, rollup_period(f.run_date, s.span), p.provider, f.prompt_id,
           sign * count(*), sign * sum(f.credits), sign * count(*) FILTER (WHERE f.cited),
           sign * count(*) FILTER (WHERE f.answer_state = 'refused'),
           sign * count(*) FILTER (WHERE f.answer_state = 'empty')
      FROM answer_fact f
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
     WHERE f.response_id = ANY (ids)
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (workspace_id, span, period, provider, prompt_id) DO UPDATE
       SET answers = r.answers + excluded.answers, credits = r.credits + excluded.credits,
           cited = r.cited + excluded.cited, refused = r.refused + excluded.refused,
           empty = r.empty + excluded.empty;

    INSERT INTO rollup_entity AS r (workspace_id, entity_id, span, period, provider, prompt_id, mentioned, rank_sum,
                                    rank_count, order_sum, order_count, sentiment_sum, sentiment_count, citing)
    SELECT x.workspace_id, x.entity_id, s.span, rollup_period(x.run_date, s.span), p.provider, x.prompt_id,
           sign * sum(x.mentioned), sign * sum(x.rank_sum), sign * sum(x.rank_count), sign * sum(x.order_sum),
           sign * sum(x.order_count), sign * sum(x.sentiment_sum), sign * sum(x.sentiment_count),
           sign * sum(x.citing)
      FROM rollup_entity_rows(ids) x
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     CROSS JOIN LATERAL (VALUES (x.provider), ('')) p(provider)
     GROUP BY 1, 2, 3, 4, 5, 6
     ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (workspace_id, entity_id, span, period, provider, prompt_id) DO UPDATE
       SET mentioned = r.mentioned + excluded.mentioned, rank_sum = r.rank_sum + excluded.rank_sum,
           rank_count = r.rank_count + excluded.rank_count, order_sum = r.order_sum + excluded.order_sum,
           order_count = r.order_count + excluded.order_count,
           sentiment_sum = r.sentiment_sum + excluded.sentiment_sum,
           sentiment_count = r.sentiment_count + excluded.sentiment_count, citing = r.citing + excluded.citing;

    INSERT INTO rollup_domains AS r (workspace_id, span, period, domain, owner, entity_id, citations, answers)
    SELECT f.workspace_id, s.span, rollup_period(f.run_date, s.span), t.domain, t.owner, coalesce(t.entity_id, 0),
           sign * count(*), sign * count(DISTINCT t.response_id)
      FROM answer_fact f
      JOIN citation t ON t.response_id = f.response_id AND t.domain <> ''
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     WHERE f.response_id = ANY (ids)
     GROUP BY 1, 2, 3, 4, 5, 6
     ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (workspace_id, span, period, domain, owner, entity_id) DO UPDATE
       SET citations = r.citations + excluded.citations, answers = r.answers + excluded.answers;

    IF sign < 0 THEN
        DELETE FROM rollup_answers r
         USING (SELECT DISTINCT f.workspace_id, s.span, rollup_period(f.run_date, s.span) AS period, p.provider,
                       f.prompt_id
                  FROM answer_fact f
                 CROSS JOIN (VALUES (1), (8), (64)) s(span)
                 CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
                 WHERE f.response_id = ANY (ids)) k
         WHERE r.workspace_id = k.workspace_id AND r.span = k.span AND r.period = k.period
           AND r.provider = k.provider AND r.prompt_id = k.prompt_id AND r.answers = 0;
        DELETE FROM rollup_entity r
         USING (SELECT DISTINCT x.workspace_id, x.entity_id, s.span, rollup_period(x.run_date, s.span) AS period,
                       p.provider, x.prompt_id
                  FROM rollup_entity_rows(ids) x
                 CROSS JOIN (VALUES (1), (8), (64)) s(span)
                 CROSS JOIN LATERAL (VALUES (x.provider), ('')) p(provider)) k
         WHERE r.workspace_id = k.workspace_id AND r.entity_id = k.entity_id AND r.span = k.span
           AND r.period = k.period AND r.provider = k.provider AND r.prompt_id = k.prompt_id
           AND r.mentioned = 0 AND r.citing = 0;
        DELETE FROM rollup_domains r
         USING (SELECT DISTINCT f.workspace_id, s.span, rollup_period(f.run_date, s.span) AS period, t.domain,
                       t.owner, coalesce(t.entity_id, 0) AS entity_id
                  FROM answer_fact f
                  JOIN citation t ON t.response_id = f.response_id
                 CROSS JOIN (VALUES (1), (8), (64)) s(span)
                 WHERE f.response_id = ANY (ids)) k
         WHERE r.workspace_id = k.workspace_id AND r.span = k.span AND r.period = k.period AND r.domain = k.domain
           AND r.owner = k.owner AND r.entity_id = k.entity_id AND r.citations = 0;
    END IF;

    CALL rollup_days_add(ids, 1);
    IF sign < 0 THEN
        -- as a recount would have them: a day's row only while one of its prompts counts an answer, an entity's
        -- only while one of its rows does (rollup_entity keeps no rows back at zero)
        DELETE FROM rollup_days d
         USING (SELECT DISTINCT workspace_id, run_date FROM answer_fact WHERE response_id = ANY (ids)) k
         WHERE d.workspace_id = k.workspace_id AND d.day = k.run_date
           AND CASE WHEN d.entity_id = 0 THEN d.prompts = 0 ELSE d.mentioned = 0 AND d.citing = 0 END;
    END IF;
END $$;
