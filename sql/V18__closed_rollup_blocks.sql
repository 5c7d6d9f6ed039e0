-- Closed rollup blocks (issues 13 and 18). rollup_answers and rollup_entity kept every answer's contribution at
-- spans 1, 8 and 64 from the batch that stored it on: six primary keys per (entity, prompt) for each batch of the day
-- (with the all-providers rows), 5.9 of the 21 s PostgreSQL spent in the overhead benchmark, and rows of the current
-- 8- and 64-day blocks updated by every batch of every day of the block (their primary key pages split half empty).
-- Now a block of 8 days gets its rows once it is closed: when a workspace's newest run date passes its last day
-- (rollup_closed.through, the day before the newest run date seen, never going back), the block is added up from its
-- single days; an answer of a closed block's day that is analysed, re-analysed or retracted later changes the block's
-- rows directly, as before. Single days and blocks of 64 days are kept by every batch as before: the open 64-day block
-- is what a range reaching the newest day reads whole (closing it too, tried first, left such a range 7 blocks of 8
-- and 7 days to read instead: 10 dashboard clients at one year went from p95 330 to 495 ms). Readers use no 8-day
-- block ending after the closed day (dev.sightline.metrics.Periods.cover). rollup_domains and rollup_days are
-- unchanged.

CREATE TABLE rollup_closed (
    workspace_id bigint PRIMARY KEY REFERENCES workspace (id),
    through      date   NOT NULL
);

-- The 8-day blocks of these workspaces that end after their last closed-through day and on or before the day before
-- their newest run date among these answers: closed now. The caller holds the workspaces' rollup locks.
CREATE PROCEDURE rollup_close(ids bigint[])
    LANGUAGE plpgsql AS $$
DECLARE
    w record;
    before date;
    entities bigint[];
BEGIN
    FOR w IN SELECT f.workspace_id, max(f.run_date) - 1 AS through
               FROM answer_fact f WHERE f.response_id = ANY (ids)
              GROUP BY f.workspace_id ORDER BY f.workspace_id
    LOOP
        SELECT c.through INTO before FROM rollup_closed c WHERE c.workspace_id = w.workspace_id;
        CONTINUE WHEN before IS NOT NULL AND before >= w.through;
        INSERT INTO rollup_closed (workspace_id, through) VALUES (w.workspace_id, w.through)
        ON CONFLICT (workspace_id) DO UPDATE SET through = excluded.through;
        -- rollup_entity's key leads with the entity: its rows are read entity by entity
        entities := ARRAY(SELECT id FROM entity WHERE workspace_id = w.workspace_id ORDER BY id);
        -- the 8-day blocks closing now, from their single days; a block closing now ends after the last closed day,
        -- so its days lie after the first day of the block that held that day
        INSERT INTO rollup_answers AS r (workspace_id, span, period, provider, prompt_id, answers, credits,
                                         cited, refused, empty)
        SELECT a.workspace_id, 8, rollup_period(a.period, 8), a.provider, a.prompt_id,
               sum(a.answers), sum(a.credits), sum(a.cited), sum(a.refused), sum(a.empty)
          FROM rollup_answers a
         WHERE a.workspace_id = w.workspace_id AND a.span = 1
           AND a.period > coalesce(rollup_period(before, 8) - 1, '-infinity')
           AND rollup_period(a.period, 8) + 7 <= w.through
           AND (before IS NULL OR rollup_period(a.period, 8) + 7 > before)
         GROUP BY 1, 2, 3, 4, 5
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (workspace_id, span, period, provider, prompt_id) DO UPDATE
           SET answers = excluded.answers, credits = excluded.credits, cited = excluded.cited,
               refused = excluded.refused, empty = excluded.empty;
        INSERT INTO rollup_entity AS r (workspace_id, entity_id, span, period, provider, prompt_id, mentioned,
                                        rank_sum, rank_count, order_sum, order_count, sentiment_sum,
                                        sentiment_count, citing)
        SELECT e.workspace_id, e.entity_id, 8, rollup_period(e.period, 8), e.provider, e.prompt_id,
               sum(e.mentioned), sum(e.rank_sum), sum(e.rank_count), sum(e.order_sum), sum(e.order_count),
               sum(e.sentiment_sum), sum(e.sentiment_count), sum(e.citing)
          FROM rollup_entity e
         WHERE e.workspace_id = w.workspace_id AND e.entity_id = ANY (entities) AND e.span = 1
           AND e.period > coalesce(rollup_period(before, 8) - 1, '-infinity')
           AND rollup_period(e.period, 8) + 7 <= w.through
           AND (before IS NULL OR rollup_period(e.period, 8) + 7 > before)
         GROUP BY 1, 2, 3, 4, 5, 6
         ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (workspace_id, entity_id, span, period, provider, prompt_id) DO UPDATE
           SET mentioned = excluded.mentioned, rank_sum = excluded.rank_sum, rank_count = excluded.rank_count,
               order_sum = excluded.order_sum, order_count = excluded.order_count,
               sentiment_sum = excluded.sentiment_sum, sentiment_count = excluded.sentiment_count,
               citing = excluded.citing;
    END LOOP;
END $$;

-- As V15's, with the 8-day blocks of rollup_answers and rollup_entity written for closed blocks only.
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
      LEFT JOIN rollup_closed c ON c.workspace_id = f.workspace_id
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
     WHERE f.response_id = ANY (ids)
       AND (s.span <> 8 OR rollup_period(f.run_date, 8) + 7 <= c.through)
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
      LEFT JOIN rollup_closed c ON c.workspace_id = x.workspace_id
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     CROSS JOIN LATERAL (VALUES (x.provider), ('')) p(provider)
     WHERE s.span <> 8 OR rollup_period(x.run_date, 8) + 7 <= c.through
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
                  LEFT JOIN rollup_closed c ON c.workspace_id = f.workspace_id
                 CROSS JOIN (VALUES (1), (8), (64)) s(span)
                 CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
                 WHERE f.response_id = ANY (ids)
                   AND (s.span <> 8 OR rollup_period(f.run_date, 8) + 7 <= c.through)) k
         WHERE r.workspace_id = k.workspace_id AND r.span = k.span AND r.period = k.period
           AND r.provider = k.provider AND r.prompt_id = k.prompt_id AND r.answers = 0;
        DELETE FROM rollup_entity r
         USING (SELECT DISTINCT x.workspace_id, x.entity_id, s.span, rollup_period(x.run_date, s.span) AS period,
                       p.provider, x.prompt_id
                  FROM rollup_entity_rows(ids) x
                  LEFT JOIN rollup_closed c ON c.workspace_id = x.workspace_id
                 CROSS JOIN (VALUES (1), (8), (64)) s(span)
                 CROSS JOIN LATERAL (VALUES (x.provider), ('')) p(provider)
                 WHERE s.span <> 8 OR rollup_period(x.run_date, 8) + 7 <= c.through) k
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

-- As V12's, closing the blocks that the newest run date among these answers closes before adding them.
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
    -- before these answers count: the blocks closing now are added up from the rows below them without them, and
    -- these answers then count in every closed block of their day
    CALL rollup_close(ids);
    CALL rollup_apply(ids, 1);
END $$;

-- --rebuild-rollups starts each workspace with no block closed: its runs close them as the daily runs did.
CREATE OR REPLACE PROCEDURE rollup_rebuild(ws bigint)
    LANGUAGE plpgsql AS $$
DECLARE
    run_ids bigint[];
    rid bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(24091, ws::int);
    DELETE FROM rollup_answers WHERE workspace_id = ws;
    DELETE FROM rollup_entity WHERE workspace_id = ws;
    DELETE FROM rollup_days WHERE workspace_id = ws;
    DELETE FROM rollup_domains WHERE workspace_id = ws;
    DELETE FROM rollup_closed WHERE workspace_id = ws;
    DELETE FROM answer_fact WHERE workspace_id = ws;
    FOR rid IN SELECT id FROM run WHERE workspace_id = ws ORDER BY run_date, id LOOP
        run_ids := ARRAY(SELECT s.id FROM cell c JOIN response s ON s.cell_id = c.id
                          WHERE c.run_id = rid ORDER BY s.id);
        CALL rollup_record(run_ids);
    END LOOP;
END $$;

-- Histories written before: closed through the day before each workspace's newest run date; the rows of the 8-day
-- blocks that end after it go, as if those blocks had never closed.
INSERT INTO rollup_closed (workspace_id, through)
SELECT workspace_id, max(run_date) - 1 FROM answer_fact GROUP BY workspace_id;
DELETE FROM rollup_answers r USING rollup_closed c
 WHERE r.workspace_id = c.workspace_id AND r.span = 8 AND r.period + 7 > c.through;
DELETE FROM rollup_entity r USING rollup_closed c
 WHERE r.workspace_id = c.workspace_id AND r.span = 8 AND r.period + 7 > c.through;
