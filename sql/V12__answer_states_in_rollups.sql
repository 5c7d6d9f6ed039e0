-- Answer states (V9) in the answer facts and rollups (V7), so refusal and empty counts per group are read like every
-- other metric instead of from the raw rows. A fact keeps its analysis's answer_state; rollup_answers and the
-- per-day rows of rollup_days (entity_id 0) count the refused and the empty answers among their answers. A
-- re-analysis that changes an answer's state takes the old state away with the old fact (rollup_retract) and adds
-- the new one (rollup_record), as for every other number. Only sweep cells have facts (cell kinds: V10).
ALTER TABLE answer_fact ADD COLUMN answer_state text NOT NULL DEFAULT 'answered';
ALTER TABLE rollup_answers ADD COLUMN refused int NOT NULL DEFAULT 0;
ALTER TABLE rollup_answers ADD COLUMN empty int NOT NULL DEFAULT 0;
ALTER TABLE rollup_days ADD COLUMN refused int NOT NULL DEFAULT 0;
ALTER TABLE rollup_days ADD COLUMN empty int NOT NULL DEFAULT 0;

-- As in V7, with the answer states added up in rollup_answers and the days' rows of rollup_days.
CREATE OR REPLACE PROCEDURE rollup_apply(ids bigint[], sign int)
    LANGUAGE plpgsql AS $$
BEGIN
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
    INSERT INTO rollup_days (workspace_id, day, entity_id, mentioned, sum_y2_m, rank_sum, rank_count, order_sum,
                             order_count, sentiment_sum, sentiment_count, citing)
    SELECT x.workspace_id, x.period, x.entity_id, sum(x.mentioned), sum(x.mentioned::numeric * x.mentioned / a.answers),
           sum(x.rank_sum), sum(x.rank_count), sum(x.order_sum), sum(x.order_count), sum(x.sentiment_sum),
           sum(x.sentiment_count), sum(x.citing)
      FROM (SELECT DISTINCT workspace_id, run_date FROM answer_fact WHERE response_id = ANY (ids)) k
      JOIN rollup_entity x ON x.workspace_id = k.workspace_id AND x.span = 1 AND x.period = k.run_date
                          AND x.provider = ''
      JOIN rollup_answers a ON a.workspace_id = x.workspace_id AND a.span = 1 AND a.period = x.period
                           AND a.provider = '' AND a.prompt_id = x.prompt_id
     GROUP BY 1, 2, 3;
END $$;

-- As in V7, with the fact's answer_state from its analysis (written before this is called, see
-- sql/statements/write-analyses.sql).
CREATE OR REPLACE PROCEDURE rollup_record(ids bigint[])
    LANGUAGE plpgsql AS $$
BEGIN
    CALL rollup_lock(ids);
    INSERT INTO answer_fact (response_id, workspace_id, run_id, run_date, provider, prompt_id, model, brand_visible,
                             credits, cited, cited_owners, answer_state)
    SELECT s.id, r.workspace_id, r.id, r.run_date, c.provider, c.prompt_id,
           coalesce(s.model_served, s.model_requested), a.brand_visible,
           (SELECT count(*) FROM mention m WHERE m.response_id = s.id AND m.mentioned),
           EXISTS (SELECT 1 FROM citation t WHERE t.response_id = s.id),
           ARRAY(SELECT DISTINCT t.entity_id FROM citation t
                  WHERE t.response_id = s.id AND t.entity_id IS NOT NULL ORDER BY 1),
           a.answer_state
      FROM response s
      -- the sweep's answers only: an experiment's answers (V10) are graded in their experiment, not counted here
      JOIN cell c ON c.id = s.cell_id AND c.status = 'succeeded' AND c.kind = 'sweep'
      JOIN run r ON r.id = c.run_id
      JOIN analysis a ON a.response_id = s.id AND a.error IS NULL
     WHERE s.id = ANY (ids)
     ORDER BY s.id
    ON CONFLICT (response_id) DO NOTHING;
    CALL rollup_apply(ids, 1);
END $$;

-- The facts and rollups written before this migration have no answer states: every workspace rebuilt (as V7 did).
DO $$
DECLARE
    ws bigint;
BEGIN
    FOR ws IN SELECT id FROM workspace ORDER BY id LOOP
        CALL rollup_rebuild(ws);
    END LOOP;
END $$;
