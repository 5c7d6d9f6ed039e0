-- Storage (issue 18): what names an answer's origin (provider, wire kind, model asked for, model that answered, finish
-- reason) stored once per combination, in response_label, and referenced by id from each answer. A workspace sees a
-- few dozen combinations; the five texts took about 63 bytes of every response row (11 + 10 + 15 + 21 + 6 on the history
-- benchmark: 80 MB at one year), the id takes 4.
--
-- The table of stored responses is now response_row; response is a view of it with the same columns, in the same
-- order, so that everything reading response (the API's queries, the rollup procedures, an integrator's SQL) reads
-- what it read before. Rows stored before keep their texts and no label (label_id NULL) and read as they did; nothing
-- is rewritten. The store (dev.sightline.run.CellRepository) writes response_row with its label's id; anything else
-- may insert into the view as into the table before (INSTEAD OF trigger below). Responses stay immutable.
CREATE TABLE response_label (
    id              serial PRIMARY KEY,
    provider        text NOT NULL,
    kind            text NOT NULL,
    model_requested text,
    model_served    text,
    finish_reason   text
);
-- one row per combination, a missing value told apart from an empty one (U+0001 is no model's or reason's name)
CREATE UNIQUE INDEX response_label_names ON response_label (provider, kind, coalesce(model_requested, E'\u0001'),
    coalesce(model_served, E'\u0001'), coalesce(finish_reason, E'\u0001'));

-- The id of a combination, added when new; two transactions adding the same one wait for each other, never fail.
CREATE FUNCTION response_label_id(p text, k text, mr text, ms text, fr text) RETURNS int
    LANGUAGE plpgsql AS $$
DECLARE
    label int;
BEGIN
    -- found at once, or after adding it (or after the insert waited for another transaction adding it)
    FOR attempt IN 1..2 LOOP
        SELECT l.id INTO label FROM response_label l
         WHERE l.provider = p AND l.kind = k AND coalesce(l.model_requested, E'\u0001') = coalesce(mr, E'\u0001')
           AND coalesce(l.model_served, E'\u0001') = coalesce(ms, E'\u0001')
           AND coalesce(l.finish_reason, E'\u0001') = coalesce(fr, E'\u0001');
        EXIT WHEN label IS NOT NULL OR attempt = 2;
        INSERT INTO response_label (provider, kind, model_requested, model_served, finish_reason)
        VALUES (p, k, mr, ms, fr) ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN label;
END $$;

ALTER TABLE response RENAME TO response_row;
ALTER TABLE response_row
    ALTER COLUMN provider DROP NOT NULL,
    ALTER COLUMN kind DROP NOT NULL,
    ADD COLUMN label_id int REFERENCES response_label (id),
    ADD CONSTRAINT response_labelled CHECK (label_id IS NOT NULL OR provider IS NOT NULL AND kind IS NOT NULL);

CREATE VIEW response AS
SELECT r.id, r.cell_id,
       CASE WHEN r.label_id IS NULL THEN r.provider ELSE l.provider END AS provider,
       CASE WHEN r.label_id IS NULL THEN r.kind ELSE l.kind END AS kind,
       CASE WHEN r.label_id IS NULL THEN r.model_requested ELSE l.model_requested END AS model_requested,
       CASE WHEN r.label_id IS NULL THEN r.model_served ELSE l.model_served END AS model_served,
       r.http_status, r.answer_text, r.citations, r.tokens_in, r.tokens_out, r.search_calls, r.cost_usd,
       r.latency_ms, r.provider_request_id,
       CASE WHEN r.label_id IS NULL THEN r.finish_reason ELSE l.finish_reason END AS finish_reason,
       r.attempt, r.created_at, r.answer, r.citation_urls
  FROM response_row r LEFT JOIN response_label l ON l.id = r.label_id;
-- the table's defaults, for inserts into the view
ALTER VIEW response ALTER COLUMN id SET DEFAULT nextval('response_id_seq');
ALTER VIEW response ALTER COLUMN tokens_in SET DEFAULT 0;
ALTER VIEW response ALTER COLUMN tokens_out SET DEFAULT 0;
ALTER VIEW response ALTER COLUMN search_calls SET DEFAULT 0;
ALTER VIEW response ALTER COLUMN cost_usd SET DEFAULT 0;
ALTER VIEW response ALTER COLUMN latency_ms SET DEFAULT 0;
ALTER VIEW response ALTER COLUMN created_at SET DEFAULT now();

CREATE FUNCTION response_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO response_row (id, cell_id, label_id, http_status, answer_text, citations, tokens_in, tokens_out,
                              search_calls, cost_usd, latency_ms, provider_request_id, attempt, created_at, answer,
                              citation_urls)
    VALUES (NEW.id, NEW.cell_id,
            response_label_id(NEW.provider, NEW.kind, NEW.model_requested, NEW.model_served, NEW.finish_reason),
            NEW.http_status, NEW.answer_text, NEW.citations, NEW.tokens_in, NEW.tokens_out, NEW.search_calls,
            NEW.cost_usd, NEW.latency_ms, NEW.provider_request_id, NEW.attempt, NEW.created_at, NEW.answer,
            NEW.citation_urls);
    RETURN NEW;
END $$;
CREATE TRIGGER response_insert INSTEAD OF INSERT ON response FOR EACH ROW EXECUTE FUNCTION response_insert();
