-- Storage (issue 18): rollup_entity and rollup_answers, the tables that grow fastest after the answers themselves
-- (1.76 and 0.34 GB of the 6.13 GB a year of history took), made smaller without changing a number they hold.
--
-- Their primary keys now lead with the period (after the workspace), where they led with the entity (rollup_entity)
-- or the span (rollup_answers). A deployment records its answers day after day: with the period first, a day's new
-- rows go after every earlier day's, and the pages of past days are no longer split by new days (with the entity or
-- the span first, each day's rows went into the middle of every entity's or span's range). Within the day's range
-- the batches of analyses still arrive spread over it, so pages there split in halves as before. Every reader still
-- finds its rows by a prefix of the key: a period of a span (or a run of periods), a provider, the workspace's
-- entities.
--
-- Ids and sums are int where they were bigint: an entity, a prompt and a workspace are counted in thousands, and a
-- row's sums are of one prompt's answers over at most 64 days. A value that did not fit would stop the write that
-- made it with an error ("integer out of range"), not be stored wrong. 16 bytes less a rollup_entity row, 8 less a
-- key entry.
--
-- Same rows, same constraints (names included), same conflict targets (ON CONFLICT names the key's columns, in
-- whatever order): the procedures that keep the rollups (V18) are unchanged.

CREATE TABLE rollup_answers_v21 (
    workspace_id int      NOT NULL,
    prompt_id    int      NOT NULL,
    period       date     NOT NULL,
    answers      int      NOT NULL,
    credits      int      NOT NULL,
    cited        int      NOT NULL,
    refused      int      NOT NULL DEFAULT 0,
    empty        int      NOT NULL DEFAULT 0,
    span         smallint NOT NULL CHECK (span IN (1, 8, 64)),
    provider     text     COLLATE "C" NOT NULL
) WITH (fillfactor = 90);
INSERT INTO rollup_answers_v21 (workspace_id, prompt_id, period, answers, credits, cited, refused, empty, span,
                                provider)
SELECT workspace_id, prompt_id, period, answers, credits, cited, refused, empty, span, provider
  FROM rollup_answers
 ORDER BY workspace_id, period, span, provider, prompt_id;
DROP TABLE rollup_answers;
ALTER TABLE rollup_answers_v21 RENAME TO rollup_answers;
ALTER TABLE rollup_answers RENAME CONSTRAINT rollup_answers_v21_span_check TO rollup_answers_span_check;
ALTER TABLE rollup_answers ADD CONSTRAINT rollup_answers_pkey PRIMARY KEY (workspace_id, period, span, provider, prompt_id);

CREATE TABLE rollup_entity_v21 (
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
    sentiment_sum   numeric  NOT NULL
) WITH (fillfactor = 90);
INSERT INTO rollup_entity_v21 (workspace_id, entity_id, prompt_id, period, rank_sum, order_sum, mentioned,
                               rank_count, order_count, sentiment_count, citing, span, provider, sentiment_sum)
SELECT workspace_id, entity_id, prompt_id, period, rank_sum, order_sum, mentioned, rank_count, order_count,
       sentiment_count, citing, span, provider, sentiment_sum
  FROM rollup_entity
 ORDER BY workspace_id, period, span, provider, entity_id, prompt_id;
DROP TABLE rollup_entity;
ALTER TABLE rollup_entity_v21 RENAME TO rollup_entity;
ALTER TABLE rollup_entity RENAME CONSTRAINT rollup_entity_v21_span_check TO rollup_entity_span_check;
ALTER TABLE rollup_entity
    ADD CONSTRAINT rollup_entity_pkey PRIMARY KEY (workspace_id, period, span, provider, entity_id, prompt_id);

ANALYZE rollup_answers;
ANALYZE rollup_entity;
