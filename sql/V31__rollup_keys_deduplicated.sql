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
-- (rollup_lock, rollup_rebuild), and the procedures below replace a key's row instead of inserting beside it: the
-- touched keys' rows are deleted and written again with what they held plus what the batch adds (or takes away). A
-- row back at zero after a retraction is not written again, as the DELETEs of V24 removed it. The closing 8-day
-- blocks' rows are deleted before they are added up (ON CONFLICT ... SET = excluded before).
ALTER TABLE rollup_entity DROP CONSTRAINT rollup_entity_pkey;
CREATE INDEX rollup_entity_key ON rollup_entity (workspace_id, period, span, prompt_id, provider)
    WITH (fillfactor = 100);
ALTER TABLE rollup_answers DROP CONSTRAINT rollup_answers_pkey;
CREATE INDEX rollup_answers_key ON rollup_answers (workspace_id, period, span, prompt_id) WITH (fillfactor = 100);
-- IndexCompaction's record of the keys' sizes after their last rebuild (V25): of indexes that are gone
DELETE FROM index_compaction WHERE index_name IN ('rollup_entity_pkey', 'rollup_answers_pkey');

-- As V24's, each key's row replaced by one holding its sum with what these answers add (sign 1) or take away (-1).
CREATE OR REPLACE PROCEDURE rollup_apply(ids bigint[], sign int)
    LANGUAGE plpgsql AS $$
DECLARE
    seqscan text := current_setting('enable_seqscan');
    hashjoin text := current_setting('enable_hashjoin');
    mergejoin text := current_setting('enable_mergejoin');
BEGIN
    -- answers without facts (new ones being retracted before their first analysis is written, failed analyses,
    -- experiment cells) change no rollup: every statement below reads their facts
    IF NOT EXISTS (SELECT 1 FROM answer_fact WHERE response_id = ANY (ids)) THEN
        RETURN;
    END IF;
    -- the days' rows without what the touched prompts counted for; added back below as they are then
    CALL rollup_days_add(ids, -1);
    -- a batch touches a few thousand keys of millions: each key's rows are found through the rollups' keys, whatever
    -- the estimates (the deltas come from a set-returning function); restored below
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_hashjoin', 'off', true);
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
    old AS (
        DELETE FROM rollup_answers r USING d
         WHERE r.workspace_id = d.workspace_id AND r.period = d.period AND r.span = d.span
           AND r.prompt_id = d.prompt_id AND r.provider = d.provider
        RETURNING r.workspace_id, r.period, r.span, r.prompt_id, r.provider, r.answers, r.credits, r.cited,
                  r.refused, r.empty)
    INSERT INTO rollup_answers (workspace_id, period, span, prompt_id, provider, answers, credits, cited, refused,
                                empty)
    SELECT workspace_id, period, span, prompt_id, provider, sum(answers), sum(credits), sum(cited), sum(refused),
           sum(empty)
      FROM (SELECT * FROM d UNION ALL SELECT * FROM old) x
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(answers) <> 0
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
    old AS (
        DELETE FROM rollup_entity r USING d
         WHERE r.workspace_id = d.workspace_id AND r.period = d.period AND r.span = d.span
           AND r.prompt_id = d.prompt_id AND r.provider = d.provider AND r.entity_id = d.entity_id
        RETURNING r.workspace_id, r.period, r.span, r.prompt_id, r.provider, r.entity_id, r.mentioned, r.rank_sum,
                  r.rank_count, r.order_sum, r.order_count, r.sentiment_sum, r.sentiment_count, r.citing)
    INSERT INTO rollup_entity (workspace_id, period, span, prompt_id, provider, entity_id, mentioned, rank_sum,
                               rank_count, order_sum, order_count, sentiment_sum, sentiment_count, citing)
    SELECT workspace_id, period, span, prompt_id, provider, entity_id, sum(mentioned), sum(rank_sum),
           sum(rank_count), sum(order_sum), sum(order_count), sum(sentiment_sum), sum(sentiment_count), sum(citing)
      FROM (SELECT * FROM d UNION ALL SELECT * FROM old) x
     GROUP BY 1, 2, 3, 4, 5, 6
    -- what a retraction leaves at zero goes (rollup_entity keeps no rows back at zero); rows that an added answer
    -- leaves at zero are kept, as before
    HAVING sign > 0 OR sum(mentioned) <> 0 OR sum(citing) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6;
    PERFORM set_config('enable_seqscan', seqscan, true);
    PERFORM set_config('enable_hashjoin', hashjoin, true);
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
        -- the 8-day blocks closing now: they end after the last closed day, on or before the new one
        DELETE FROM rollup_answers r
         WHERE r.workspace_id = w.workspace_id AND r.span = 8 AND r.period + 7 <= w.through
           AND (before IS NULL OR r.period + 7 > before);
        DELETE FROM rollup_entity r
         WHERE r.workspace_id = w.workspace_id AND r.span = 8 AND r.period + 7 <= w.through
           AND (before IS NULL OR r.period + 7 > before);
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
