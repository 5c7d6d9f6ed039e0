-- Storage and write cost (issues 18 and 13): an answer's mentions and citations are kept in its analysis row, as
-- arrays, instead of one row each in mention and citation. At one year of 3,500 answers a day those were 4.6 and 3.9
-- million rows, each with its own tuple header, key entry and foreign-key checks on insert; most of their bytes were
-- that overhead, and a cited domain's name was written out again in every citation. Everything is read by answer
-- (readers join on response_id) or by cited page (analysis_cited_urls below), and an analysis is written and replaced
-- whole, so nothing needed a row of its own.
--
-- mention and citation stay, as views with the same columns and the same rows, so what reads them (the rollup
-- procedures, the API's queries, an integrator's SQL) reads what it read before. They are not updatable: the analysis
-- route and re-analysis write analysis rows (sql/statements/write-analyses.sql).
--
--   analysis.mentions         int[n][6]: entity_id, mentioned (1 or 0), mention_count, list_rank, mention_order,
--                             sentiment (1 positive, 2 neutral, 3 negative, 4 mixed); NULL when none
--   analysis.mention_scores   float8[n]: sentiment_score, the same order
--   analysis.mention_offsets  bytea[n]: evidence_offsets (V20)
--   analysis.mention_evidence jsonb[n]: evidence as rows written before V20 kept it; NULL for every later row
--   analysis.citations        int[n][7]: position, url_id (cited_url), domain_id (cited_domain; NULL for ''),
--                             entity_id, marker, owner (1 brand, 2 competitor, 3 other), source (1 native, 2 text)
--
-- Ids are int: a value out of range would stop the write that made it with "integer out of range", never be stored
-- wrong (as V21's rollups). Entities and cited URLs are never deleted, so the foreign keys the rows had (to entity
-- and cited_url) are not missed. The constraints check the arrays' shapes; checking every code of every row cost
-- about 35 us an answer, and the codes come from one statement (write-analyses.sql, the names' positions in the
-- lists mention_sentiments(), citation_owners() and citation_sources() below).

CREATE TABLE cited_domain (
    id     serial PRIMARY KEY,
    domain text NOT NULL UNIQUE CHECK (domain <> '')
);
INSERT INTO cited_domain (domain) SELECT DISTINCT domain FROM citation WHERE domain <> '' ORDER BY domain;

-- The codes' one definition: a code is the name's position in its list (read by the views below, written by
-- write-analyses.sql); constant, so the planner folds each call into its array.
CREATE FUNCTION mention_sentiments() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ARRAY['positive', 'neutral', 'negative', 'mixed'] $$;
CREATE FUNCTION citation_owners() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ARRAY['brand', 'competitor', 'other'] $$;
CREATE FUNCTION citation_sources() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ARRAY['native', 'text'] $$;

-- the URL ids of an answer's citations: what analysis_cited_urls indexes, and what finds the answers citing a page
CREATE FUNCTION citation_url_ids(citations int[]) RETURNS int[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_agg(citations[i][2] ORDER BY i) FROM generate_subscripts(citations, 1) AS i $$;

CREATE TABLE analysis_v28 (
    response_id      bigint           NOT NULL,
    share_of_voice   double precision NOT NULL,
    analyzed_at      timestamptz      NOT NULL DEFAULT now(),
    brand_visible    boolean          NOT NULL,
    analyzer_version text             NOT NULL,
    error            text,
    answer_state     text             NOT NULL DEFAULT 'answered',
    mentions         int[],
    mention_scores   double precision[],
    mention_offsets  bytea[],
    mention_evidence jsonb[],
    citations        int[]
);
INSERT INTO analysis_v28 (response_id, share_of_voice, analyzed_at, brand_visible, analyzer_version, error,
                          answer_state, mentions, mention_scores, mention_offsets, mention_evidence, citations)
SELECT a.response_id, a.share_of_voice, a.analyzed_at, a.brand_visible, a.analyzer_version, a.error, a.answer_state,
       m.mentions, m.scores, m.offsets, m.evidence, c.citations
  FROM analysis a
  LEFT JOIN LATERAL (
      SELECT array_agg(ARRAY[m.entity_id::int, CASE WHEN m.mentioned THEN 1 ELSE 0 END, m.mention_count, m.list_rank,
                             m.mention_order,
                             array_position(mention_sentiments(), m.sentiment)]
                       ORDER BY m.entity_id) AS mentions,
             array_agg(m.sentiment_score ORDER BY m.entity_id) AS scores,
             CASE WHEN count(m.evidence_offsets) > 0
                  THEN array_agg(m.evidence_offsets ORDER BY m.entity_id) END AS offsets,
             CASE WHEN count(m.evidence) > 0 THEN array_agg(m.evidence ORDER BY m.entity_id) END AS evidence
        FROM mention m WHERE m.response_id = a.response_id
      HAVING count(*) > 0) m ON true
  LEFT JOIN LATERAL (
      SELECT array_agg(ARRAY[t.position, t.url_id::int, d.id, t.entity_id::int, t.marker,
                             array_position(citation_owners(), t.owner),
                             array_position(citation_sources(), t.source)]
                       ORDER BY t.position) AS citations
        FROM citation t LEFT JOIN cited_domain d ON d.domain = t.domain
       WHERE t.response_id = a.response_id
      HAVING count(*) > 0) c ON true
 ORDER BY a.response_id;

DROP TABLE mention;
DROP TABLE citation;
DROP TABLE analysis;
ALTER TABLE analysis_v28 RENAME TO analysis;
ALTER TABLE analysis
    ADD CONSTRAINT analysis_pkey PRIMARY KEY (response_id),
    ADD CONSTRAINT analysis_response_id_fkey FOREIGN KEY (response_id) REFERENCES response (id),
    ADD CONSTRAINT analysis_answer_state_check CHECK (answer_state IN ('answered', 'refused', 'empty')),
    ADD CONSTRAINT analysis_mentions_check CHECK (
        (mentions IS NULL OR array_ndims(mentions) = 2 AND array_length(mentions, 2) = 6)
        AND coalesce(array_length(mention_scores, 1) = array_length(mentions, 1), mention_scores IS NULL)
        AND coalesce(array_length(mention_offsets, 1) = array_length(mentions, 1), mention_offsets IS NULL)
        AND coalesce(array_length(mention_evidence, 1) = array_length(mentions, 1), mention_evidence IS NULL)),
    ADD CONSTRAINT analysis_citations_check CHECK (
        citations IS NULL OR array_ndims(citations) = 2 AND array_length(citations, 2) = 7);
-- the answers citing a page (the pages API counts a page's citations)
CREATE INDEX analysis_cited_urls ON analysis USING gin (citation_url_ids(citations));

-- mentioned = 1 for every row the analyzer writes (no row means not mentioned); rows of early versions had 0 too
CREATE VIEW mention AS
SELECT a.response_id, a.mentions[i][1]::bigint AS entity_id, a.mentions[i][2] = 1 AS mentioned,
       a.mentions[i][3] AS mention_count, a.mentions[i][4] AS list_rank, a.mentions[i][5] AS mention_order,
       (mention_sentiments())[a.mentions[i][6]] AS sentiment,
       a.mention_scores[i] AS sentiment_score, a.mention_evidence[i] AS evidence,
       a.mention_offsets[i] AS evidence_offsets
  FROM analysis a CROSS JOIN LATERAL generate_subscripts(a.mentions, 1) AS i;

CREATE VIEW citation AS
SELECT a.response_id, a.citations[i][2]::bigint AS url_id, a.citations[i][4]::bigint AS entity_id,
       a.citations[i][1] AS position, a.citations[i][5] AS marker, coalesce(d.domain, '') AS domain,
       (citation_owners())[a.citations[i][6]] AS owner,
       (citation_sources())[a.citations[i][7]] AS source
  FROM analysis a CROSS JOIN LATERAL generate_subscripts(a.citations, 1) AS i
  LEFT JOIN cited_domain d ON d.id = a.citations[i][3];
