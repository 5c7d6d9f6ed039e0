-- Operations: answer states, alerts on real change, webhooks with a durable outbox.

-- What kind of answer a response is, decided by the analyzer (re-analysis updates it): answered, refused (the model
-- declined, or said it cannot recommend or browse) or empty. Refused and empty answers have no mention rows.
ALTER TABLE analysis ADD COLUMN answer_state text NOT NULL DEFAULT 'answered'
    CHECK (answer_state IN ('answered', 'refused', 'empty'));

-- Alerts raised after a run: a metric of an entity at a provider moved beyond sampling noise between two windows of
-- runs (visibility.changed, share_of_voice.changed), or a provider answered with another model (model.changed).
-- details holds the numbers behind it: both windows' runs, n and rates, and the p-value; or both models.
CREATE TABLE alert (
    id           bigserial   PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    run_id       bigint      NOT NULL REFERENCES run (id),
    run_date     date        NOT NULL,
    type         text        NOT NULL CHECK (type ~ '^[a-z_]+\.[a-z_]+$'),
    provider     text        NOT NULL,
    entity_id    bigint      REFERENCES entity (id),
    direction    text        CHECK (direction IN ('up', 'down')),
    message      text        NOT NULL,
    details      jsonb       NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_workspace ON alert (workspace_id, id DESC);
CREATE INDEX alert_run ON alert (run_id);

-- Each terminal run is checked for alerts once, by whichever node takes it first (FOR UPDATE SKIP LOCKED); the
-- alerts, their alert.raised events and webhook deliveries are written in the transaction that sets this. Runs that
-- ended before this migration are not checked.
ALTER TABLE run ADD COLUMN alerts_checked_at timestamptz;
UPDATE run SET alerts_checked_at = coalesce(finished_at, now()) WHERE status <> 'running';
CREATE INDEX run_alerts_due ON run (id) WHERE alerts_checked_at IS NULL AND status <> 'running';

-- Webhooks of the workspace files, imported at start. The secret stays in the file (or the environment): the table
-- keeps only a fingerprint, so a changed secret is a new webhook row and a node signs only with a secret it holds.
CREATE TABLE webhook (
    id                 bigserial   PRIMARY KEY,
    workspace_id       bigint      NOT NULL REFERENCES workspace (id),
    url                text        NOT NULL,
    events             text[]      NOT NULL,
    secret_fingerprint text        NOT NULL,
    active             boolean     NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, url, secret_fingerprint)
);
CREATE INDEX webhook_active ON webhook (workspace_id) WHERE active;

-- The outbox: one row per event and subscribed webhook, inserted in the transaction that writes the event. Any node
-- sends it: claimed with FOR UPDATE SKIP LOCKED and a lease like a cell, every later write fenced by the lease
-- token; retried with backoff until it is delivered or too old. body is fixed by the first attempt, so every retry
-- sends the same bytes (receivers deduplicate by the event id in it).
CREATE TABLE webhook_delivery (
    id              bigserial   PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES webhook (id),
    workspace_id    bigint      NOT NULL,
    event_id        bigint      NOT NULL,
    event_type      text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_token     uuid,
    lease_until     timestamptz,
    body            text,
    last_status     int,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (webhook_id, event_id),
    CHECK ((status = 'sending') = (lease_token IS NOT NULL AND lease_until IS NOT NULL))
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_delivery_lease ON webhook_delivery (lease_until) WHERE status = 'sending';
CREATE INDEX webhook_delivery_workspace ON webhook_delivery (workspace_id, id DESC);

-- Every attempt to send a delivery, with what the receiver answered.
CREATE TABLE webhook_attempt (
    id          bigserial   PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES webhook_delivery (id),
    attempt     int         NOT NULL,
    node        text        NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
    http_status int,
    error       text,
    duration_ms bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery_id, id);
