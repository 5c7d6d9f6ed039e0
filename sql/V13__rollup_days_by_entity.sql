-- The per-day entity rows of rollup_days are read from rollup_entity by its primary key's prefix (workspace, entity,
-- span, day, provider) with the day and the workspace's entities given. V12 joined them by workspace, span, day and
-- provider alone: with no entity to lead the key and estimates of one row, every prompt's lookup scanned the
-- workspace's whole primary key (which grows with history), 0.2 s per analysis batch at 500 prompts on a fresh
-- database, more every day after; the day's rows of both tables are now hash joined whatever the estimates. And answers without facts return at once: every analysis batch retracts its answers first, and
-- for new answers that ran every statement on nothing (the deletes of zero rows planned as scans of the rollups).
-- Otherwise as in V12.
CREATE OR REPLACE PROCEDURE rollup_apply(ids bigint[], sign int)
    LANGUAGE plpgsql AS $$
DECLARE
    ws bigint;
    d  date;
    nestloop text;
BEGIN
    -- answers without facts (new ones being retracted before their first analysis is written, failed analyses,
    -- experiment cells) change no rollup: every statement below reads their facts
    IF NOT EXISTS (SELECT 1 FROM answer_fact WHERE response_id = ANY (ids)) THEN
        RETURN;
    END IF;
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

    DELETE FROM rollup_days d
     USING (SELECT DISTINCT workspace_id, run_date FROM answer_fact WHERE response_id = ANY (ids)) k
     WHERE d.workspace_id = k.workspace_id AND d.day = k.run_date;
    INSERT INTO rollup_days (workspace_id, day, entity_id, n, prompts, sum_m2, credits, cited, refused, empty)
    SELECT a.workspace_id, a.period, 0, sum(a.answers), count(*), sum(a.answers::bigint * a.answers), sum(a.credits),
           sum(a.cited), sum(a.refused), sum(a.empty)
      FROM (SELECT DISTINCT workspace_id, run_date FROM answer_fact WHERE response_id = ANY (ids)) k
      JOIN rollup_answers a ON a.workspace_id = k.workspace_id AND a.span = 1 AND a.period = k.run_date
                           AND a.provider = ''
     GROUP BY 1, 2;
    -- per day written: the day's rows by the primary keys' prefixes, the day and the workspace's entities given,
    -- joined by hashing (a nested loop on estimates of one row rescans one side per row of the other)
    nestloop := current_setting('enable_nestloop');
    PERFORM set_config('enable_nestloop', 'off', true);
    FOR ws, d IN SELECT DISTINCT workspace_id, run_date FROM answer_fact WHERE response_id = ANY (ids) LOOP
        INSERT INTO rollup_days (workspace_id, day, entity_id, mentioned, sum_y2_m, rank_sum, rank_count, order_sum,
                                 order_count, sentiment_sum, sentiment_count, citing)
        SELECT ws, d, x.entity_id, sum(x.mentioned), sum(x.mentioned::numeric * x.mentioned / a.answers),
               sum(x.rank_sum), sum(x.rank_count), sum(x.order_sum), sum(x.order_count), sum(x.sentiment_sum),
               sum(x.sentiment_count), sum(x.citing)
          FROM rollup_entity x
          JOIN rollup_answers a ON a.workspace_id = ws AND a.span = 1 AND a.period = d AND a.provider = ''
                               AND a.prompt_id = x.prompt_id
         WHERE x.workspace_id = ws AND x.entity_id = ANY (ARRAY(SELECT e.id FROM entity e WHERE e.workspace_id = ws))
           AND x.span = 1 AND x.period = d AND x.provider = ''
         GROUP BY x.entity_id;
    END LOOP;
    PERFORM set_config('enable_nestloop', nestloop, true);
END $$;
