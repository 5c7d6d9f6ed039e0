-- Background jobs beside the daily sweep (page analysis, brand profiles) and the pages they read.
--
-- A job is what a client starts, watches and cancels; its work is done in items (one cited page, or one brand
-- site), which are the work queue exactly as cells are: claimed with FOR UPDATE SKIP LOCKED, every later write
-- fenced by the lease token, expired leases rescued, retries waiting in next_attempt_at. A job is over when none
-- of its items is pending or leased; its status is decided then, in the same statement as its event.
CREATE TABLE job (
    id                  bigserial   PRIMARY KEY,
    workspace_id        bigint      NOT NULL REFERENCES workspace (id),
    kind                text        NOT NULL CHECK (kind IN ('page-analysis', 'brand-profile')),
    params              jsonb       NOT NULL DEFAULT '{}',
    status              text        NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    -- what the job is doing, in words; page analysis writes it once a second from its items' counts, a brand
    -- profile at each step (fenced by its item's lease)
    progress            int         NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    step                text        NOT NULL DEFAULT 'Queued',
    step_number         int         NOT NULL DEFAULT 0,
    steps_total         int         NOT NULL DEFAULT 0,
    items_total         int         NOT NULL CHECK (items_total >= 0),
    result              jsonb,
    error               text,
    idempotency_key     text,
    request_hash        text,
    cancel_requested_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, idempotency_key)
);
CREATE INDEX job_workspace ON job (workspace_id, id DESC);
CREATE INDEX job_open ON job (id) WHERE status IN ('queued', 'running');

-- host is the politeness key: at most sightline.fetch.per-host items of one host are leased at a time, across
-- all nodes (the claim counts them under a transaction-scoped advisory lock).
CREATE TABLE job_item (
    id              bigserial   PRIMARY KEY,
    job_id          bigint      NOT NULL REFERENCES job (id),
    url             text        NOT NULL,
    host            text        NOT NULL,
    -- the registrable domain the page is filed under (as the citation gave it)
    domain          text        NOT NULL,
    -- the URLs as cited that lead to this page (url is their canonical form: no fragment, no utm_* parameters)
    cited_urls      text[]      NOT NULL DEFAULT '{}',
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'leased', 'succeeded', 'failed', 'cancelled')),
    attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_token     uuid,
    lease_until     timestamptz,
    last_error      text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, url),
    CHECK ((status = 'leased') = (lease_token IS NOT NULL AND lease_until IS NOT NULL))
);
CREATE INDEX job_item_due ON job_item (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX job_item_host_due ON job_item (host, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX job_item_leased_host ON job_item (host) WHERE status = 'leased';
CREATE INDEX job_item_lease_expiry ON job_item (lease_until) WHERE status = 'leased';
CREATE INDEX job_item_job_status ON job_item (job_id, status);

-- A cited page of a workspace as its latest fetch found it (one per canonical URL). error is set when that fetch failed (the reason);
-- the page is fetched again by the next page analysis. The facts are those of the latest fetch.
CREATE TABLE page (
    id           bigserial   PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    url          text        NOT NULL,
    domain       text        NOT NULL,
    -- every form in which answers cited it (url is their canonical form); citations are counted by these
    cited_urls   text[]      NOT NULL DEFAULT '{}',
    final_url    text,
    http_status  int,
    content_type text,
    title        text,
    description  text,
    language     text,
    word_count   int,
    published_on date,
    modified_on  date,
    page_type    text CHECK (page_type IN ('listicle', 'comparison', 'review', 'product', 'docs', 'forum', 'news',
                                           'other')),
    -- the page's own first list of options: [{"name", "domain"}], read by brand profiles for co-mentions
    list_items   jsonb       NOT NULL DEFAULT '[]',
    error        text,
    job_id       bigint,
    fetched_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, url)
);
CREATE INDEX page_workspace_domain ON page (workspace_id, domain);

-- The tracked entities a page mentions (an entity without a row is not mentioned), with its place in the page's
-- own list, read by the same analyzer as answers.
CREATE TABLE page_mention (
    page_id       bigint NOT NULL REFERENCES page (id) ON DELETE CASCADE,
    entity_id     bigint NOT NULL REFERENCES entity (id),
    mention_count int    NOT NULL CHECK (mention_count > 0),
    list_rank     int,
    PRIMARY KEY (page_id, entity_id)
);
CREATE INDEX page_mention_entity ON page_mention (entity_id);

-- Job events (job.created, job.progress, job.completed, job.failed, job.cancelled) name their job, so one job's
-- events are read in commit order like one run's.
ALTER TABLE event ADD COLUMN job_id bigint;
CREATE INDEX event_job_order ON event (job_id, txid, id) WHERE job_id IS NOT NULL;

-- Cited URLs of a workspace are looked up by URL when pages are counted against citations.
CREATE INDEX citation_url ON citation (url);
