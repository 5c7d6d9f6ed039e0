-- Metrics that do not grow with history (issue 18). Raw rows (response, analysis, mention, citation) stay the source
-- of truth; what is below is derived from them in the transaction that writes an analysis
-- (sql/statements/write-analyses.sql calls rollup_retract before and rollup_record after), and
-- `java -jar sightline.jar --rebuild-rollups` recreates all of it from the raw rows (rollup_rebuild).

-- One row per counted answer: its cell succeeded and its analysis has no error (README, "Metrics and analysis").
-- No foreign keys to run, prompt or workspace: every insert would lock those hot rows (see V3).
CREATE TABLE answer_fact (
    response_id  bigint   PRIMARY KEY REFERENCES response (id),
    workspace_id bigint   NOT NULL,
    run_id       bigint   NOT NULL,
    run_date     date     NOT NULL,
    provider     text     COLLATE "C" NOT NULL,
    prompt_id    bigint   NOT NULL,
    model        text,
    brand_visible boolean NOT NULL,
    -- tracked entities the answer mentions (one credit per entity)
    credits      int      NOT NULL,
    -- the answer cites at least one URL
    cited        boolean  NOT NULL,
    -- entities owning a domain the answer cites
    cited_owners bigint[] NOT NULL DEFAULT '{}'
);
CREATE INDEX answer_fact_run ON answer_fact (run_id, provider, prompt_id);
CREATE INDEX answer_fact_workspace_day ON answer_fact (workspace_id, run_date);

-- Rollups by period: span 1 is a day, 8 and 64 are blocks of days aligned on 2000-01-01 (rollup_period), so any
-- range of days is at most 7 + 7 days, 7 + 7 blocks of 8 and the 64-day blocks between: a year of history is read
-- as at most about 34 periods instead of 365 days. provider '' is the row of all providers together (what every
-- grouping but provider reads). Rows whose counts fall to zero are deleted.
CREATE FUNCTION rollup_period(d date, span int) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT d - ((((d - date '2000-01-01') % span) + span) % span) $$;

CREATE TABLE rollup_answers (
    workspace_id bigint   NOT NULL,
    span         smallint NOT NULL CHECK (span IN (1, 8, 64)),
    period       date     NOT NULL,
    provider     text     COLLATE "C" NOT NULL,
    prompt_id    bigint   NOT NULL,
    answers      int      NOT NULL,
    credits      int      NOT NULL,
    cited        int      NOT NULL,
    PRIMARY KEY (workspace_id, span, period, provider, prompt_id)
);

CREATE TABLE rollup_entity (
    workspace_id    bigint   NOT NULL,
    entity_id       bigint   NOT NULL,
    span            smallint NOT NULL CHECK (span IN (1, 8, 64)),
    period          date     NOT NULL,
    provider        text     COLLATE "C" NOT NULL,
    prompt_id       bigint   NOT NULL,
    mentioned       int      NOT NULL,
    rank_sum        bigint   NOT NULL,
    rank_count      int      NOT NULL,
    order_sum       bigint   NOT NULL,
    order_count     int      NOT NULL,
    -- numeric: sums of any grouping add up exactly, so rollups and raw rows give the same mean
    sentiment_sum   numeric  NOT NULL,
    sentiment_count int      NOT NULL,
    -- answers citing a domain the entity owns
    citing          int      NOT NULL,
    PRIMARY KEY (workspace_id, entity_id, span, period, provider, prompt_id)
);

CREATE TABLE rollup_domains (
    workspace_id bigint   NOT NULL,
    span         smallint NOT NULL CHECK (span IN (1, 8, 64)),
    period       date     NOT NULL,
    domain       text     COLLATE "C" NOT NULL,
    owner        text     COLLATE "C" NOT NULL,
    -- the owning entity, 0 for none
    entity_id    bigint   NOT NULL,
    citations    int      NOT NULL,
    answers      int      NOT NULL,
    PRIMARY KEY (workspace_id, span, period, domain, owner, entity_id)
);

-- Per workspace x day, what groupBy=day reads: entity_id 0 holds the answers' side (n, prompts, sum of squared
-- answers per prompt, credits, cited), the entities' rows their side (mentioned, the sum over prompts of
-- mentioned^2 / answers for the interval, ranks, orders, sentiment, citing). Recomputed for the days a write touched
-- from their all-provider daily rows, so it never drifts.
CREATE TABLE rollup_days (
    workspace_id    bigint  NOT NULL,
    day             date    NOT NULL,
    entity_id       bigint  NOT NULL,
    n               int     NOT NULL DEFAULT 0,
    prompts         int     NOT NULL DEFAULT 0,
    sum_m2          bigint  NOT NULL DEFAULT 0,
    credits         int     NOT NULL DEFAULT 0,
    cited           int     NOT NULL DEFAULT 0,
    mentioned       int     NOT NULL DEFAULT 0,
    sum_y2_m        numeric NOT NULL DEFAULT 0,
    rank_sum        bigint  NOT NULL DEFAULT 0,
    rank_count      int     NOT NULL DEFAULT 0,
    order_sum       bigint  NOT NULL DEFAULT 0,
    order_count     int     NOT NULL DEFAULT 0,
    sentiment_sum   numeric NOT NULL DEFAULT 0,
    sentiment_count int     NOT NULL DEFAULT 0,
    citing          int     NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, day, entity_id)
);

-- What the given answers add to the entity rollups, per day x provider x prompt x entity: their mentions and the
-- entities whose domains they cite, added up apart (an answer's mention and its citing count independently).
-- The run report reads the same for one run.
CREATE FUNCTION rollup_entity_rows(ids bigint[])
    RETURNS TABLE (workspace_id bigint, run_date date, provider text, prompt_id bigint, entity_id bigint,
                   mentioned bigint, rank_sum bigint, rank_count bigint, order_sum bigint, order_count bigint,
                   sentiment_sum numeric, sentiment_count bigint, citing bigint)
    LANGUAGE sql STABLE AS $$
    WITH f AS MATERIALIZED (
        SELECT response_id, workspace_id, run_date, provider, prompt_id, cited_owners
          FROM answer_fact WHERE response_id = ANY (ids)),
    me AS (
        SELECT f.workspace_id, f.run_date, f.provider, f.prompt_id, m.entity_id, count(*) AS mentioned,
               coalesce(sum(m.list_rank), 0) AS rank_sum, count(m.list_rank) AS rank_count,
               coalesce(sum(m.mention_order), 0) AS order_sum, count(m.mention_order) AS order_count,
               coalesce(sum(m.sentiment_score::numeric), 0) AS sentiment_sum,
               count(m.sentiment_score) AS sentiment_count
          FROM f JOIN mention m ON m.response_id = f.response_id AND m.mentioned
         GROUP BY 1, 2, 3, 4, 5),
    ci AS (
        SELECT f.workspace_id, f.run_date, f.provider, f.prompt_id, o.entity_id, count(*) AS citing
          FROM f CROSS JOIN LATERAL unnest(f.cited_owners) AS o(entity_id)
         GROUP BY 1, 2, 3, 4, 5)
    SELECT workspace_id, run_date, provider, prompt_id, entity_id, coalesce(me.mentioned, 0),
           coalesce(me.rank_sum, 0), coalesce(me.rank_count, 0), coalesce(me.order_sum, 0),
           coalesce(me.order_count, 0), coalesce(me.sentiment_sum, 0), coalesce(me.sentiment_count, 0),
           coalesce(ci.citing, 0)
      FROM me FULL JOIN ci USING (workspace_id, run_date, provider, prompt_id, entity_id)
$$;

-- Adds (sign 1) or takes away (sign -1) what the facts of these answers count for, at every span, then deletes the
-- rows of those keys that are back to zero. The caller holds the workspaces' rollup locks (rollup_lock).
CREATE PROCEDURE rollup_apply(ids bigint[], sign int)
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_answers AS r (workspace_id, span, period, provider, prompt_id, answers, credits, cited)
    SELECT f.workspace_id, s.span, rollup_period(f.run_date, s.span), p.provider, f.prompt_id,
           sign * count(*), sign * sum(f.credits), sign * count(*) FILTER (WHERE f.cited)
      FROM answer_fact f
     CROSS JOIN (VALUES (1), (8), (64)) s(span)
     CROSS JOIN LATERAL (VALUES (f.provider), ('')) p(provider)
     WHERE f.response_id = ANY (ids)
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (workspace_id, span, period, provider, prompt_id) DO UPDATE
       SET answers = r.answers + excluded.answers, credits = r.credits + excluded.credits,
           cited = r.cited + excluded.cited;

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
    INSERT INTO rollup_days (workspace_id, day, entity_id, n, prompts, sum_m2, credits, cited)
    SELECT a.workspace_id, a.period, 0, sum(a.answers), count(*), sum(a.answers::bigint * a.answers), sum(a.credits),
           sum(a.cited)
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

-- Writers of one workspace's rollups take turns (a transaction-scoped advisory lock, workspaces in id order): a
-- re-analysis takes away and adds back in two statements, and two writers doing that on shared rows in different
-- orders could deadlock.
CREATE PROCEDURE rollup_lock(ids bigint[])
    LANGUAGE plpgsql AS $$
DECLARE
    ws bigint;
BEGIN
    FOR ws IN SELECT DISTINCT r.workspace_id
                FROM response s JOIN cell c ON c.id = s.cell_id JOIN run r ON r.id = c.run_id
               WHERE s.id = ANY (ids)
               ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(24091, ws::int);
    END LOOP;
END $$;

-- Before the analyses of these answers are replaced: take away what they counted for, drop their facts.
CREATE PROCEDURE rollup_retract(ids bigint[])
    LANGUAGE plpgsql AS $$
BEGIN
    CALL rollup_lock(ids);
    CALL rollup_apply(ids, -1);
    DELETE FROM answer_fact WHERE response_id = ANY (ids);
END $$;

-- After they are written: the facts of the ones that count, and what they add to the rollups.
CREATE PROCEDURE rollup_record(ids bigint[])
    LANGUAGE plpgsql AS $$
BEGIN
    CALL rollup_lock(ids);
    INSERT INTO answer_fact (response_id, workspace_id, run_id, run_date, provider, prompt_id, model, brand_visible,
                             credits, cited, cited_owners)
    SELECT s.id, r.workspace_id, r.id, r.run_date, c.provider, c.prompt_id,
           coalesce(s.model_served, s.model_requested), a.brand_visible,
           (SELECT count(*) FROM mention m WHERE m.response_id = s.id AND m.mentioned),
           EXISTS (SELECT 1 FROM citation t WHERE t.response_id = s.id),
           ARRAY(SELECT DISTINCT t.entity_id FROM citation t
                  WHERE t.response_id = s.id AND t.entity_id IS NOT NULL ORDER BY 1)
      FROM response s
      JOIN cell c ON c.id = s.cell_id AND c.status = 'succeeded'
      JOIN run r ON r.id = c.run_id
      JOIN analysis a ON a.response_id = s.id AND a.error IS NULL
     WHERE s.id = ANY (ids)
     ORDER BY s.id
    ON CONFLICT (response_id) DO NOTHING;
    CALL rollup_apply(ids, 1);
END $$;

-- --rebuild-rollups: one workspace's facts and rollups recreated from the raw rows, run by run.
CREATE PROCEDURE rollup_rebuild(ws bigint)
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
    DELETE FROM answer_fact WHERE workspace_id = ws;
    FOR rid IN SELECT id FROM run WHERE workspace_id = ws ORDER BY id LOOP
        run_ids := ARRAY(SELECT s.id FROM cell c JOIN response s ON s.cell_id = c.id
                          WHERE c.run_id = rid ORDER BY s.id);
        CALL rollup_record(run_ids);
    END LOOP;
END $$;

DO $$
DECLARE
    ws bigint;
BEGIN
    FOR ws IN SELECT id FROM workspace ORDER BY id LOOP
        CALL rollup_rebuild(ws);
    END LOOP;
END $$;

-- The run listing reads a terminal run's counts and costs from its row: frozen when the run is finalised (nothing
-- changes a terminal run's cells or responses any more), instead of two queries per run over its cells and responses.
ALTER TABLE run ADD COLUMN cell_counts jsonb;
ALTER TABLE run ADD COLUMN tokens_in bigint;
ALTER TABLE run ADD COLUMN tokens_out bigint;
ALTER TABLE run ADD COLUMN cost_usd numeric(16, 8);
ALTER TABLE run ADD COLUMN last_cell_update timestamptz;
UPDATE run r
   SET cell_counts = x.counts, last_cell_update = x.last, tokens_in = coalesce(y.tin, 0),
       tokens_out = coalesce(y.tout, 0), cost_usd = coalesce(y.cost, 0)
  FROM (SELECT run_id, jsonb_object_agg(status, n) AS counts, max(last) AS last
          FROM (SELECT run_id, status, count(*) AS n, max(updated_at) AS last FROM cell GROUP BY run_id, status) s
         GROUP BY run_id) x
  LEFT JOIN (SELECT c.run_id, sum(s.tokens_in) AS tin, sum(s.tokens_out) AS tout, sum(s.cost_usd) AS cost
               FROM cell c JOIN response s ON s.cell_id = c.id GROUP BY c.run_id) y ON y.run_id = x.run_id
 WHERE x.run_id = r.id AND r.status <> 'running';
CREATE INDEX run_workspace_id ON run (workspace_id, id DESC);

-- Raw bodies apart from the immutable response row, compressed by the app (deflate with the answer text as its
-- preset dictionary, so the text the body carries again costs almost nothing: encoding 'deflate-answer'), and
-- droppable by sightline.retention.raw-bodies. The response row (answer text, citations, tokens, cost) stays
-- immutable; a body row can never be changed, and deleted only by the retention (which sets
-- sightline.retention = 'raw-bodies' for its own transaction). A response without a body row had it dropped.
CREATE TABLE response_body (
    response_id bigint      PRIMARY KEY REFERENCES response (id),
    encoding    text        NOT NULL CHECK (encoding IN ('plain', 'deflate-answer')),
    body        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX response_body_created ON response_body (created_at);

CREATE FUNCTION response_body_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('sightline.retention', true) = 'raw-bodies' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'raw bodies are immutable and only dropped by the retention (response id %)', OLD.response_id;
END $$;
CREATE TRIGGER response_body_immutable BEFORE UPDATE OR DELETE ON response_body
    FOR EACH ROW EXECUTE FUNCTION response_body_guard();

-- Bodies stored before now move over as they were (encoding 'plain', UTF-8); dropping the column changes no row.
INSERT INTO response_body (response_id, encoding, body, created_at)
SELECT id, 'plain', convert_to(raw_body, 'UTF8'), created_at FROM response ORDER BY id;
ALTER TABLE response DROP COLUMN raw_body;

-- Read by nothing since metrics and domains come from the rollups (mentions and citations are read by answer).
DROP INDEX mention_entity;
DROP INDEX citation_domain;
