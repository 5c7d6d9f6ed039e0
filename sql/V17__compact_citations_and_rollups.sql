-- Storage (issue 18): the three tables that grow fastest after response, measured on the history benchmark's year
-- (1.28 million answers), made smaller without changing a number they hold.
--
-- citation: 3.9 million rows of 232 bytes, 161 of them the URL, of which the year held 1,613 distinct ones (answers
-- cite the same pages day after day). The URL is now kept once, in cited_url, and a citation names it by id; the
-- domain, owner and entity stay on the citation (they are what the rollups and the domains report read).
--
-- rollup_entity and rollup_answers: rewritten with their columns ordered widest first, so that no column waits on
-- alignment padding (16 bytes a row of rollup_entity), and with 10% of each page left free: a rollup row is updated
-- again and again (each batch of the day's analyses, each day of its 8- and 64-day blocks), and an update that finds
-- room on its page is a heap-only tuple, which adds no entry to the primary key. Measured, that room helps less than
-- hoped: a batch updates most rows of a page at once, so 38% of the updates of a 30-day build stayed on their page,
-- and rollup_entity at one year went from 1.94 to 1.78 GB, where the same rows loaded in key order take 1.19 GB.
-- Same keys, same constraints, same rows.

CREATE TABLE cited_url (
    id  bigserial PRIMARY KEY,
    url text      NOT NULL UNIQUE
);
-- a row is never updated nor deleted: an answer's citation may name it for as long as the answer is kept
INSERT INTO cited_url (url) SELECT DISTINCT url FROM citation ORDER BY url;

-- constraints and indexes after the rows: one validating query and one sorted index build each, not a check and an
-- index insertion per row
CREATE TABLE citation_v17 (
    response_id bigint NOT NULL,
    url_id      bigint NOT NULL,
    entity_id   bigint,
    position    int    NOT NULL,
    marker      int,
    domain      text   NOT NULL,
    owner       text   NOT NULL,
    source      text   NOT NULL
);
INSERT INTO citation_v17 (response_id, url_id, entity_id, position, marker, domain, owner, source)
SELECT c.response_id, u.id, c.entity_id, c.position, c.marker, c.domain, c.owner, c.source
  FROM citation c JOIN cited_url u ON u.url = c.url
 ORDER BY c.response_id, c.position;
DROP TABLE citation;
ALTER TABLE citation_v17 RENAME TO citation;
ALTER TABLE citation
    ADD CONSTRAINT citation_pkey PRIMARY KEY (response_id, position),
    ADD CONSTRAINT citation_response_id_fkey FOREIGN KEY (response_id) REFERENCES analysis (response_id)
        ON DELETE CASCADE,
    ADD CONSTRAINT citation_url_id_fkey FOREIGN KEY (url_id) REFERENCES cited_url (id),
    ADD CONSTRAINT citation_entity_id_fkey FOREIGN KEY (entity_id) REFERENCES entity (id),
    ADD CONSTRAINT citation_owner_check CHECK (owner IN ('brand', 'competitor', 'other')),
    ADD CONSTRAINT citation_source_check CHECK (source IN ('native', 'text'));
-- the citations of one page (page analysis: how often each page was cited)
CREATE INDEX citation_url ON citation (url_id);

CREATE TABLE rollup_answers_v17 (
    workspace_id bigint   NOT NULL,
    prompt_id    bigint   NOT NULL,
    period       date     NOT NULL,
    answers      int      NOT NULL,
    credits      int      NOT NULL,
    cited        int      NOT NULL,
    refused      int      NOT NULL DEFAULT 0,
    empty        int      NOT NULL DEFAULT 0,
    span         smallint NOT NULL CHECK (span IN (1, 8, 64)),
    provider     text     COLLATE "C" NOT NULL
) WITH (fillfactor = 90);
INSERT INTO rollup_answers_v17 (workspace_id, prompt_id, period, answers, credits, cited, refused, empty, span,
                                provider)
SELECT workspace_id, prompt_id, period, answers, credits, cited, refused, empty, span, provider
  FROM rollup_answers
 ORDER BY workspace_id, span, period, provider, prompt_id;
DROP TABLE rollup_answers;
ALTER TABLE rollup_answers_v17 RENAME TO rollup_answers;
ALTER TABLE rollup_answers RENAME CONSTRAINT rollup_answers_v17_span_check TO rollup_answers_span_check;
ALTER TABLE rollup_answers ADD CONSTRAINT rollup_answers_pkey PRIMARY KEY (workspace_id, span, period, provider, prompt_id);

CREATE TABLE rollup_entity_v17 (
    workspace_id    bigint   NOT NULL,
    entity_id       bigint   NOT NULL,
    prompt_id       bigint   NOT NULL,
    rank_sum        bigint   NOT NULL,
    order_sum       bigint   NOT NULL,
    period          date     NOT NULL,
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
INSERT INTO rollup_entity_v17 (workspace_id, entity_id, prompt_id, rank_sum, order_sum, period, mentioned,
                               rank_count, order_count, sentiment_count, citing, span, provider, sentiment_sum)
SELECT workspace_id, entity_id, prompt_id, rank_sum, order_sum, period, mentioned, rank_count, order_count,
       sentiment_count, citing, span, provider, sentiment_sum
  FROM rollup_entity
 ORDER BY workspace_id, entity_id, span, period, provider, prompt_id;
DROP TABLE rollup_entity;
ALTER TABLE rollup_entity_v17 RENAME TO rollup_entity;
ALTER TABLE rollup_entity RENAME CONSTRAINT rollup_entity_v17_span_check TO rollup_entity_span_check;
ALTER TABLE rollup_entity
    ADD CONSTRAINT rollup_entity_pkey PRIMARY KEY (workspace_id, entity_id, span, period, provider, prompt_id);

ANALYZE cited_url;
ANALYZE citation;
ANALYZE rollup_answers;
ANALYZE rollup_entity;
