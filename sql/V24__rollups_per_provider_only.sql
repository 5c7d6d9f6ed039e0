-- Storage and write cost (issues 18 and 13): the rollups no longer keep all-provider rows (provider '') for single
-- days. Each such row held the sums of its key's per-provider rows, nothing else: a fifth of rollup_entity's rows at
-- one year of 7 providers, each with its own tuple header and key entry, and written again by every analysis batch
-- beside the provider rows. Readers that add all providers together now add the providers' rows of each prompt for
-- the single days of a range (they grouped per prompt already: the visibility interval's unit), as groupBy=provider
-- always read them. The blocks of 8 and 64 days keep their all-provider rows: a range of months is read mostly from
-- blocks, and without them a year of all providers read four times the rows (measured: 10 dashboard clients at one
-- year p95 384 -> 544 ms); they are a tenth of the rows.
--
-- The keys now lead with the prompt after the period and span: rollup_days_add (kept by difference, V15) needs each
-- touched prompt's total over its providers, one index range per prompt and day; with the provider before the
-- prompt that was one descent per provider and entity. Readers read whole periods (all prompts) or a tag's prompts,
-- and find the provider of a provider filter inside the period's range.
--
-- Same numbers: the tables are rewritten without the single days' all-provider rows, in the new key order; every
-- other value is kept as it is. Same constraints, names included, and one more: no all-provider single day.

CREATE TABLE rollup_answers_v24 (
    workspace_id int      NOT NULL,
    prompt_id    int      NOT NULL,
    period       date     NOT NULL,
    answers      int      NOT NULL,
    credits      int      NOT NULL,
    cited        int      NOT NULL,
    refused      int      NOT NULL DEFAULT 0,
    empty        int      NOT NULL DEFAULT 0,
    span         smallint NOT NULL CHECK (span IN (1, 8, 64)),
    provider     text     COLLATE "C" NOT NULL,
    CONSTRAINT rollup_answers_v24_provider_check CHECK (provider <> '' OR span <> 1)
) WITH (fillfactor = 90);
INSERT INTO rollup_answers_v24 (workspace_id, prompt_id, period, answers, credits, cited, refused, empty, span,
                                provider)
SELECT workspace_id, prompt_id, period, answers, credits, cited, refused, empty, span, provider
  FROM rollup_answers
 WHERE provider <> '' OR span <> 1
 ORDER BY workspace_id, period, span, prompt_id, provider;
DROP TABLE rollup_answers;
ALTER TABLE rollup_answers_v24 RENAME TO rollup_answers;
ALTER TABLE rollup_answers RENAME CONSTRAINT rollup_answers_v24_span_check TO rollup_answers_span_check;
ALTER TABLE rollup_answers RENAME CONSTRAINT rollup_answers_v24_provider_check TO rollup_answers_provider_check;
ALTER TABLE rollup_answers
    ADD CONSTRAINT rollup_answers_pkey PRIMARY KEY (workspace_id, period, span, prompt_id, provider);

CREATE TABLE rollup_entity_v24 (
    workspace_id    int      NOT NULL,
    entity_id       int      NOT NULL,
    prompt_id       int      NOT NULL,
    period          date     NOT NULL,
    rank_sum        int      NOT NULL,
    order_sum       int      NOT NULL,
    mentioned       int      NOT NULL,
    rank_count      int      NOT NULL,
    order_count     int      NOT NULL,
    sentiment_count int      NOT NULL,
    -- answers citing a domain the entity owns
    citing          int      NOT NULL,
    span            smallint NOT NULL CHECK (span IN (1, 8, 64)),
    provider        text     COLLATE "C" NOT NULL,
    -- numeric: sums of any grouping add up exactly, so rollups and raw rows give the same mean
    sentiment_sum   numeric  NOT NULL,
    CONSTRAINT rollup_entity_v24_provider_check CHECK (provider <> '' OR span <> 1)
) WITH (fillfactor = 90);
INSERT INTO rollup_entity_v24 (workspace_id, entity_id, prompt_id, period, rank_sum, order_sum, mentioned,
                               rank_count, order_count, sentiment_count, citing, span, provider, sentiment_sum)
SELECT workspace_id, entity_id, prompt_id, period, rank_sum, order_sum, mentioned, rank_count, order_count,
       sentiment_count, citing, span, provider, sentiment_sum
  FROM rollup_entity
 WHERE provider <> '' OR span <> 1
 ORDER BY workspace_id, period, span, prompt_id, provider, entity_id;
DROP TABLE rollup_entity;
ALTER TABLE rollup_entity_v24 RENAME TO rollup_entity;
ALTER TABLE rollup_entity RENAME CONSTRAINT rollup_entity_v24_span_check TO rollup_entity_span_check;
ALTER TABLE rollup_entity RENAME CONSTRAINT rollup_entity_v24_provider_check TO rollup_entity_provider_check;
ALTER TABLE rollup_entity
    ADD CONSTRAINT rollup_entity_pkey PRIMARY KEY (workspace_id, period, span, prompt_id, provider, entity_id);

ANALYZE rollup_answers;
ANALYZE rollup_entity;

-- As V23's, each touched prompt's day added up over its providers' rows: its answers (a prompt counts while one of
-- its providers has a row) and, per entity, its mentions before the interval sums square them.
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
    -- a few hundred prompts, each read by a prefix of the rollups' primary keys (workspace, day, span, prompt): the
    -- prompts first, then, for each, its rows added up (LATERAL aggregates, never flattened), whatever the estimates
    -- (on a fresh database the statistics lag the rollups' growth, V23); no sequential scans, hash or merge joins;
    -- restored below
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_hashjoin', 'off', true);
    PERFORM set_config('enable_mergejoin', 'off', true);
    PERFORM set_config('join_collapse_limit', '1', true);
    FOR ws IN SELECT DISTINCT workspace_id FROM answer_fact WHERE response_id = ANY (ids) LOOP
        entities := ARRAY(SELECT e.id FROM entity e WHERE e.workspace_id = ws ORDER BY e.id);
        INSERT INTO rollup_days AS d (workspace_id, day, entity_id, n, prompts, sum_m2, credits, cited, refused,
                                      empty)
        SELECT ws, k.run_date, 0, sign * sum(a.answers), sign * count(*), sign * sum(a.answers * a.answers),
               sign * sum(a.credits), sign * sum(a.cited), sign * sum(a.refused), sign * sum(a.empty)
          FROM (SELECT DISTINCT run_date, prompt_id FROM answer_fact
                 WHERE response_id = ANY (ids) AND workspace_id = ws) k
         CROSS JOIN LATERAL (SELECT sum(a.answers) AS answers, sum(a.credits) AS credits, sum(a.cited) AS cited,
                                    sum(a.refused) AS refused, sum(a.empty) AS empty
                               FROM rollup_answers a
                              WHERE a.workspace_id = ws AND a.period = k.run_date AND a.span = 1
                                AND a.prompt_id = k.prompt_id
                             HAVING count(*) > 0) a
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
         CROSS JOIN LATERAL (SELECT sum(a.answers) AS answers FROM rollup_answers a
                              WHERE a.workspace_id = ws AND a.period = k.run_date AND a.span = 1
                                AND a.prompt_id = k.prompt_id
                             HAVING count(*) > 0) a
         CROSS JOIN LATERAL (SELECT x.entity_id, sum(x.mentioned) AS mentioned, sum(x.rank_sum) AS rank_sum,
                                    sum(x.rank_count) AS rank_count, sum(x.order_sum) AS order_sum,
                                    sum(x.order_count) AS order_count, sum(x.sentiment_sum) AS sentiment_sum,
                                    sum(x.sentiment_count) AS sentiment_count, sum(x.citing) AS citing
                               FROM rollup_entity x
                              WHERE x.workspace_id = ws AND x.period = k.run_date AND x.span = 1
                                AND x.prompt_id = k.prompt_id AND x.entity_id = ANY (entities)
                              GROUP BY x.entity_id) x
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

-- As V18's, each answer counted in its provider's rows, and in the all-provider rows of its blocks only.
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
    INSERT INTO rollup_answers AS r (workspace_id, period, span, prompt_id, provider, answers, credits, cited,
                                     refused, empty)
    SELECT f.workspace_id, rollup_period(f.run_date, s.span), s.span, f.prompt_id, p.provider,
           sign * count(*), sign * sum(f.credits), sign * count(*) FILTER (WHERE f.cited),
           sign * count(*) FILTER (WHERE f.answer_state = 'refused'),
           sign * count(*) FILTER (WHERE f.answer_state = 'empty')
      FROM answer_fact f
      LEFT JOIN rollup_closed c ON c.workspace_id = f.workspace_id
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
     WHERE f.response_id = ANY (ids)
       AND (s.span <> 8 OR rollup_period(f.run_date, 8) + 7 <= c.through) AND (s.span <> 1 OR p.provider <> '')
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (workspace_id, period, span, prompt_id, provider) DO UPDATE
       SET answers = r.answers + excluded.answers, credits = r.credits + excluded.credits,
           cited = r.cited + excluded.cited, refused = r.refused + excluded.refused,
           empty = r.empty + excluded.empty;

    INSERT INTO rollup_entity AS r (workspace_id, period, span, prompt_id, provider, entity_id, mentioned, rank_sum,
                                    rank_count, order_sum, order_count, sentiment_sum, sentiment_count, citing)
    SELECT x.workspace_id, rollup_period(x.run_date, s.span), s.span, x.prompt_id, p.provider, x.entity_id,
           sign * sum(x.mentioned), sign * sum(x.rank_sum), sign * sum(x.rank_count), sign * sum(x.order_sum),
           sign * sum(x.order_count), sign * sum(x.sentiment_sum), sign * sum(x.sentiment_count),
           sign * sum(x.citing)
      FROM rollup_entity_rows(ids) x
      LEFT JOIN rollup_closed c ON c.workspace_id = x.workspace_id
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     CROSS JOIN LATERAL (VALUES (x.provider), ('')) p(provider)
     WHERE (s.span <> 8 OR rollup_period(x.run_date, 8) + 7 <= c.through) AND (s.span <> 1 OR p.provider <> '')
     GROUP BY 1, 2, 3, 4, 5, 6
     ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (workspace_id, period, span, prompt_id, provider, entity_id) DO UPDATE
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

-- As V18's, the all-provider rows of the closing 8-day blocks added up from their single days' provider rows.
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
        -- the 8-day blocks closing now, from their single days; a block closing now ends after the last closed day,
        -- so its days lie after the first day of the block that held that day
        INSERT INTO rollup_answers AS r (workspace_id, period, span, prompt_id, provider, answers, credits, cited,
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
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (workspace_id, period, span, prompt_id, provider) DO UPDATE
           SET answers = excluded.answers, credits = excluded.credits, cited = excluded.cited,
               refused = excluded.refused, empty = excluded.empty;
        INSERT INTO rollup_entity AS r (workspace_id, period, span, prompt_id, provider, entity_id, mentioned,
                                        rank_sum, rank_count, order_sum, order_count, sentiment_sum,
                                        sentiment_count, citing)
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
         ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (workspace_id, period, span, prompt_id, provider, entity_id) DO UPDATE
           SET mentioned = excluded.mentioned, rank_sum = excluded.rank_sum, rank_count = excluded.rank_count,
               order_sum = excluded.order_sum, order_count = excluded.order_count,
               sentiment_sum = excluded.sentiment_sum, sentiment_count = excluded.sentiment_count,
               citing = excluded.citing;
    END LOOP;
END $$;
