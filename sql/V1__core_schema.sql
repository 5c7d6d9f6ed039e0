-- Sightline core schema. PostgreSQL is the source of truth: the work queue, retry state and leases live
-- in the cell table; SEDA queues are only an in-memory hand-off.

-- A tenant: one tracked brand, its competitors, its prompts, its API tokens.
CREATE TABLE workspace (
    id          bigserial PRIMARY KEY,
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category    text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The brand or a competitor. Names are matched with their aliases; domains own citations.
CREATE TABLE entity (
    id           bigserial PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    kind         text        NOT NULL CHECK (kind IN ('brand', 'competitor')),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    aliases      text[]      NOT NULL DEFAULT '{}',
    domains      text[]      NOT NULL DEFAULT '{}',
    active       boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, name)
);
CREATE UNIQUE INDEX entity_one_brand ON entity (workspace_id) WHERE kind = 'brand' AND active;

-- A buyer question. Versioned by text hash: a changed text is a new prompt, the old one becomes inactive;
-- prompts are never deleted while history refers to them.
CREATE TABLE prompt (
    id           bigserial PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    text         text        NOT NULL CHECK (length(text) BETWEEN 1 AND 200000),
    text_hash    text        NOT NULL,
    tags         text[]      NOT NULL DEFAULT '{}',
    active       boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, text_hash)
);
CREATE INDEX prompt_active ON prompt (workspace_id) WHERE active;

-- One sweep: prompts x providers x samples for one run date. cells_total is fixed when the run is planned
-- (all cells are inserted in the same transaction); every other total is a count of cells.
CREATE TABLE run (
    id                  bigserial PRIMARY KEY,
    workspace_id        bigint        NOT NULL REFERENCES workspace (id),
    run_date            date          NOT NULL,
    trigger             text          NOT NULL CHECK (trigger IN ('schedule', 'api', 'cli')),
    idempotency_key     text,
    request_hash        text,
    status              text          NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'completed', 'completed_with_failures', 'cancelled')),
    providers           text[]        NOT NULL,
    prompt_tags         text[]        NOT NULL DEFAULT '{}',
    samples             int           NOT NULL CHECK (samples >= 1),
    cells_total         int           NOT NULL CHECK (cells_total >= 0),
    estimated_cost_usd  numeric(14, 6),
    cancel_requested_at timestamptz,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    UNIQUE (workspace_id, idempotency_key)
);
CREATE INDEX run_workspace_created ON run (workspace_id, created_at DESC);
CREATE INDEX run_open ON run (id) WHERE status = 'running';

-- The unit of work: run x prompt x provider x sample. Its row is the work queue entry: status, attempts,
-- retry time and lease. Every write to a leased cell is fenced by lease_token.
CREATE TABLE cell (
    id              bigserial PRIMARY KEY,
    run_id          bigint      NOT NULL REFERENCES run (id),
    prompt_id       bigint      NOT NULL REFERENCES prompt (id),
    provider        text        NOT NULL,
    sample          int         NOT NULL CHECK (sample >= 1),
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'leased', 'succeeded', 'failed', 'cancelled')),
    attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_token     uuid,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, prompt_id, provider, sample),
    CHECK ((status = 'leased') = (lease_token IS NOT NULL AND lease_until IS NOT NULL))
);
CREATE INDEX cell_due ON cell (provider, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX cell_lease_expiry ON cell (lease_until) WHERE status = 'leased';
CREATE INDEX cell_run_status ON cell (run_id, status);
CREATE INDEX cell_run_updated ON cell (run_id, updated_at, id);

-- The raw provider reply for a cell, stored before anything else is done with it. One per cell, immutable.
CREATE TABLE response (
    id                  bigserial PRIMARY KEY,
    cell_id             bigint        NOT NULL UNIQUE REFERENCES cell (id),
    provider            text          NOT NULL,
    kind                text          NOT NULL,
    model_requested     text,
    model_served        text,
    http_status         int           NOT NULL,
    raw_body            text          NOT NULL,
    answer_text         text          NOT NULL,
    citations           jsonb         NOT NULL DEFAULT '[]',
    tokens_in           bigint        NOT NULL DEFAULT 0,
    tokens_out          bigint        NOT NULL DEFAULT 0,
    search_calls        int           NOT NULL DEFAULT 0,
    cost_usd            numeric(16, 8) NOT NULL DEFAULT 0,
    latency_ms          bigint        NOT NULL DEFAULT 0,
    provider_request_id text,
    finish_reason       text,
    attempt             int           NOT NULL,
    created_at          timestamptz   NOT NULL DEFAULT now()
);

-- the daily budget sums today's spend
CREATE INDEX response_created ON response (created_at);

CREATE FUNCTION response_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'response rows are immutable (response id %)', OLD.id;
END $$;
CREATE TRIGGER response_immutable BEFORE UPDATE OR DELETE ON response
    FOR EACH ROW EXECUTE FUNCTION response_is_immutable();

-- Responses stored but not analysed yet, inserted in the same transaction as the response. The analysis
-- route empties it; a run is only over once its entries are gone, and entries left by a crash are picked up
-- again at start.
CREATE TABLE analysis_queue (
    response_id bigint      PRIMARY KEY REFERENCES response (id),
    run_id      bigint      NOT NULL REFERENCES run (id),
    queued_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analysis_queue_run ON analysis_queue (run_id);

-- Derived from a response by a versioned analyzer; replaced on re-analysis.
CREATE TABLE analysis (
    response_id      bigint           PRIMARY KEY REFERENCES response (id),
    analyzer_version text             NOT NULL,
    brand_visible    boolean          NOT NULL,
    share_of_voice   double precision NOT NULL,
    -- set when the analyzer failed on this response: it has no mention rows and is left out of metrics
    -- until a re-analysis succeeds; the run is not held up by it
    error            text,
    analyzed_at      timestamptz      NOT NULL DEFAULT now()
);

-- One row per entity an answer mentions; an entity without a row for an analysed answer was not mentioned.
CREATE TABLE mention (
    response_id     bigint           NOT NULL REFERENCES analysis (response_id) ON DELETE CASCADE,
    entity_id       bigint           NOT NULL REFERENCES entity (id),
    mentioned       boolean          NOT NULL,
    mention_count   int              NOT NULL,
    list_rank       int,
    mention_order   int,
    sentiment       text CHECK (sentiment IN ('positive', 'neutral', 'negative', 'mixed')),
    sentiment_score double precision,
    evidence        jsonb            NOT NULL DEFAULT '[]',
    PRIMARY KEY (response_id, entity_id)
);
CREATE INDEX mention_entity ON mention (entity_id);

CREATE TABLE citation (
    response_id bigint NOT NULL REFERENCES analysis (response_id) ON DELETE CASCADE,
    position    int    NOT NULL,
    url         text   NOT NULL,
    domain      text   NOT NULL,
    owner       text   NOT NULL CHECK (owner IN ('brand', 'competitor', 'other')),
    entity_id   bigint REFERENCES entity (id),
    source      text   NOT NULL CHECK (source IN ('native', 'text')),
    marker      int,
    PRIMARY KEY (response_id, position)
);
CREATE INDEX citation_domain ON citation (domain);

-- API tokens: one workspace each, stored as SHA-256 hashes only.
CREATE TABLE api_token (
    id           bigserial PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    name         text        NOT NULL,
    token_hash   text        NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
