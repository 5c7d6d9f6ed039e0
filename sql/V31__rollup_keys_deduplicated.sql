-- Storage (issue 18): the rollups' keys without one entry per row. rollup_entity's primary key took an entry of about
-- 45 bytes for each of its rows (264 MB for 5.5 million rows at one year of the history benchmark, a third of the
-- table), rollup_answers' one of 41 bytes (63 MB for 1.5 million): a unique key cannot store rows that share their
-- leading columns together. Both tables are now found by a key that is not unique and leaves out the last column
-- (rollup_entity: the entity; rollup_answers: the provider). B-tree deduplication (PostgreSQL 13 on) keeps the rows
-- of one key value in one entry with a list of their places, 6 bytes each: measured on that year, 96 MB where the
-- primary key took 264, and 16 where it took 63. Every read finds its rows by the same leading columns as before
-- (workspace, period, span, prompt, and for rollup_entity the provider); the entity, or the provider, is then read
-- from the row.
--
-- One row per key stays true without a unique index: every write of the rollups holds the workspace's rollup lock
-- (rollup_lock, rollup_rebuild), and the procedures below add to a key's row where it has one and insert one where it
-- has none (ON CONFLICT ... DO UPDATE before), in one statement per table. Rows back at zero after a retraction are
-- deleted as before; the closing 8-day blocks' rows are deleted before they are added up (ON CONFLICT ... SET =
-- excluded before).
ALTER TABLE rollup_entity DROP CONSTRAINT rollup_entity_pkey;
CREATE INDEX rollup_entity_key ON rollup_entity (workspace_id, period, span, prompt_id, provider)
    WITH (fillfactor = 100);
ALTER TABLE rollup_answers DROP CONSTRAINT rollup_answers_pkey;
CREATE INDEX rollup_answers_key ON rollup_answers (workspace_id, period, span, prompt_id) WITH (fillfactor = 100);
-- IndexCompaction's record of the keys' sizes after their last rebuild (V25): of indexes that are gone
DELETE FROM index_compaction WHERE index_name IN ('rollup_entity_pkey', 'rollup_answers_pkey');

-- As V24's, each key's row added to where it has one, inserted where it has none.
CREATE OR REPLACE PROCEDURE rollup_apply(ids bigint[], sign int)
    LANGUAGE plpgsql AS $$
DECLARE
    seqscan text := current_setting('enable_seqscan');
    mergejoin text := current_setting('enable_mergejoin');
BEGIN
    -- answers without facts (new ones being retracted before their first analysis is written, failed analyses,
    -- experiment cells) change no rollup: every statement below reads their facts
    IF NOT EXISTS (SELECT 1 FROM answer_fact WHERE response_id = ANY (ids)) THEN
        RETURN;
    END IF;
    -- the days' rows without what the touched prompts counted for; added back below as they are then
    CALL rollup_days_add(ids, -1);
    -- a batch touches a few thousand keys of millions: their rows are found through the rollups' keys whatever the
    -- estimates (the deltas come from a set-returning function); restored below
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_mergejoin', 'off', true);
    WITH d AS (
        SELECT f.workspace_id, rollup_period(f.run_date, s.span) AS period, s.span, f.prompt_id, p.provider,
               sign * count(*) AS answers, sign * sum(f.credits) AS credits,
               sign * count(*) FILTER (WHERE f.cited) AS cited,
               sign * count(*) FILTER (WHERE f.answer_state = 'refused') AS refused,
               sign * count(*) FILTER (WHERE f.answer_state = 'empty') AS empty
          FROM answer_fact f
          LEFT JOIN rollup_closed c ON c.workspace_id = f.workspace_id
         CROSS JOIN (VALUES (1), (8), (64)) s(span)
         CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
         WHERE f.response_id = ANY (ids)
           AND (s.span <> 8 OR rollup_period(f.run_date, 8) + 7 <= c.through) AND (s.span <> 1 OR p.provider <> '')
         GROUP BY 1, 2, 3, 4, 5),
    added AS (
        UPDATE rollup_answers r
           SET answers = r.answers + d.answers, credits = r.credits + d.credits, cited = r.cited + d.cited,
               refused = r.refused + d.refused, empty = r.empty + d.empty
          FROM d
         WHERE r.workspace_id = d.workspace_id AND r.period = d.period AND r.span = d.span
           AND r.prompt_id = d.prompt_id AND r.provider = d.provider
        RETURNING r.workspace_id, r.period, r.span, r.prompt_id, r.provider)
    INSERT INTO rollup_answers (workspace_id, period, span, prompt_id, provider, answers, credits, cited, refused,
                                empty)
    SELECT d.workspace_id, d.period, d.span, d.prompt_id, d.provider, d.answers, d.credits, d.cited, d.refused,
           d.empty
      FROM d
     WHERE NOT EXISTS (SELECT 1 FROM added a
                        WHERE a.workspace_id = d.workspace_id AND a.period = d.period AND a.span = d.span
                          AND a.prompt_id = d.prompt_id AND a.provider = d.provider)
     ORDER BY 1, 2, 3, 4, 5;

    WITH d AS (
        SELECT x.workspace_id, rollup_period(x.run_date, s.span) AS period, s.span, x.prompt_id, p.provider,
               x.entity_id, sign * sum(x.mentioned) AS mentioned, sign * sum(x.rank_sum) AS rank_sum,
               sign * sum(x.rank_count) AS rank_count, sign * sum(x.order_sum) AS order_sum,
               sign * sum(x.order_count) AS order_count, sign * sum(x.sentiment_sum) AS sentiment_sum,
               sign * sum(x.sentiment_count) AS sentiment_count, sign * sum(x.citing) AS citing
          FROM rollup_entity_rows(ids) x
          LEFT JOIN rollup_closed c ON c.workspace_id = x.workspace_id
         CROSS JOIN (VALUES (1), (8), (64)) s(span)
         CROSS JOIN LATERAL (VALUES (x.provider), ('')) p(provider)
         WHERE (s.span <> 8 OR rollup_period(x.run_date, 8) + 7 <= c.through) AND (s.span <> 1 OR p.provider <> '')
         GROUP BY 1, 2, 3, 4, 5, 6),
    added AS (
        UPDATE rollup_entity r
           SET mentioned = r.mentioned + d.mentioned, rank_sum = r.rank_sum + d.rank_sum,
               rank_count = r.rank_count + d.rank_count, order_sum = r.order_sum + d.order_sum,
               order_count = r.order_count + d.order_count, sentiment_sum = r.sentiment_sum + d.sentiment_sum,
               sentiment_count = r.sentiment_count + d.sentiment_count, citing = r.citing + d.citing
          FROM d
         WHERE r.workspace_id = d.workspace_id AND r.period = d.period AND r.span = d.span
           AND r.prompt_id = d.prompt_id AND r.provider = d.provider AND r.entity_id = d.entity_id
        RETURNING r.workspace_id, r.period, r.span, r.prompt_id, r.provider, r.entity_id)
    INSERT INTO rollup_entity (workspace_id, period, span, prompt_id, provider, entity_id, mentioned, rank_sum,
                               rank_count, order_sum, order_count, sentiment_sum, sentiment_count, citing)
    SELECT d.workspace_id, d.period, d.span, d.prompt_id, d.provider, d.entity_id, d.mentioned, d.rank_sum,
           d.rank_count, d.order_sum, d.order_count, d.sentiment_sum, d.sentiment_count, d.citing
      FROM d
     WHERE NOT EXISTS (SELECT 1 FROM added a
                        WHERE a.workspace_id = d.workspace_id AND a.period = d.period AND a.span = d.span
                          AND a.prompt_id = d.prompt_id AND a.provider = d.provider AND a.entity_id = d.entity_id)
     ORDER BY 1, 2, 3, 4, 5, 6;
    PERFORM set_config('enable_seqscan', seqscan, true);
    PERFORM set_config('enable_mergejoin', mergejoin, true);
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
        -- the keys a retraction left at zero (rollup_answers: no answer; rollup_entity: no mention, no citing answer)
        DELETE FROM rollup_answers r
         USING (SELECT DISTINCT f.workspace_id, rollup_period(f.run_date, s.span) AS period, s.span, f.prompt_id,
                       p.provider
                  FROM answer_fact f
                  LEFT JOIN rollup_closed c ON c.workspace_id = f.workspace_id
                 CROSS JOIN (VALUES (1), (8), (64)) s(span)
                 CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
                 WHERE f.response_id = ANY (ids)
                   AND (s.span <> 8 OR rollup_period(f.run_date, 8) + 7 <= c.through)
                   AND (s.span <> 1 OR p.provider <> '')) k
         WHERE r.workspace_id = k.workspace_id AND r.period = k.period AND r.span = k.span
           AND r.prompt_id = k.prompt_id AND r.provider = k.provider AND r.answers = 0;
        DELETE FROM rollup_entity r
         USING (SELECT DISTINCT x.workspace_id, rollup_period(x.run_date, s.span) AS period, s.span, x.prompt_id,
                       p.provider, x.entity_id
                  FROM rollup_entity_rows(ids) x
                  LEFT JOIN rollup_closed c ON c.workspace_id = x.workspace_id
                 CROSS JOIN (VALUES (1), (8), (64)) s(span)
                 CROSS JOIN LATERAL (VALUES (x.provider), ('')) p(provider)
                 WHERE (s.span <> 8 OR rollup_period(x.run_date, 8) + 7 <= c.through)
                   AND (s.span <> 1 OR p.provider <> '')) k
         WHERE r.workspace_id = k.workspace_id AND r.period = k.period AND r.span = k.span
           AND r.prompt_id = k.prompt_id AND r.provider = k.provider AND r.entity_id = k.entity_id
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

-- As V24's, with the closing blocks' rows (none, unless a block closes again after --rebuild-rollups started over)
-- deleted before they are added up.
CREATE OR REPLACE PROCEDURE rollup_close(ids bigint[])
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
        entities := ARRAY(SELECT id FROM entity WHERE workspace_id = w.workspace_id ORDER BY id);
        -- the 8-day blocks closing now: they end after the last closed day, on or before the new one (a range of the
        -- keys' period)
        DELETE FROM rollup_answers r
         WHERE r.workspace_id = w.workspace_id AND r.period <= w.through - 7
           AND r.period > coalesce(before - 7, '-infinity') AND r.span = 8;
        DELETE FROM rollup_entity r
         WHERE r.workspace_id = w.workspace_id AND r.period <= w.through - 7
           AND r.period > coalesce(before - 7, '-infinity') AND r.span = 8;
        -- added up from their single days; a block closing now ends after the last closed day, so its days lie
        -- after the first day of the block that held that day
        INSERT INTO rollup_answers (workspace_id, period, span, prompt_id, provider, answers, credits, cited,
                                    refused, empty)
        SELECT a.workspace_id, rollup_period(a.period, 8), 8, a.prompt_id, p.provider,
               sum(a.answers), sum(a.credits), sum(a.cited), sum(a.refused), sum(a.empty)
          FROM rollup_answers a
         CROSS JOIN LATERAL (VALUES (a.provider), ('')) p(provider)
         WHERE a.workspace_id = w.workspace_id AND a.span = 1
           AND a.period > coalesce(rollup_period(before, 8) - 1, '-infinity')
           AND rollup_period(a.period, 8) + 7 <= w.through
           AND (before IS NULL OR rollup_period(a.period, 8) + 7 > before)
         GROUP BY 1, 2, 3, 4, 5
         ORDER BY 1, 2, 3, 4, 5;
        INSERT INTO rollup_entity (workspace_id, period, span, prompt_id, provider, entity_id, mentioned, rank_sum,
                                   rank_count, order_sum, order_count, sentiment_sum, sentiment_count, citing)
        SELECT e.workspace_id, rollup_period(e.period, 8), 8, e.prompt_id, p.provider, e.entity_id,
               sum(e.mentioned), sum(e.rank_sum), sum(e.rank_count), sum(e.order_sum), sum(e.order_count),
               sum(e.sentiment_sum), sum(e.sentiment_count), sum(e.citing)
          FROM rollup_entity e
         CROSS JOIN LATERAL (VALUES (e.provider), ('')) p(provider)
         WHERE e.workspace_id = w.workspace_id AND e.entity_id = ANY (entities) AND e.span = 1
           AND e.period > coalesce(rollup_period(before, 8) - 1, '-infinity')
           AND rollup_period(e.period, 8) + 7 <= w.through
           AND (before IS NULL OR rollup_period(e.period, 8) + 7 > before)
         GROUP BY 1, 2, 3, 4, 5, 6
         ORDER BY 1, 2, 3, 4, 5, 6;
    END LOOP;
END $$;

ANALYZE rollup_answers;
ANALYZE rollup_entity;
