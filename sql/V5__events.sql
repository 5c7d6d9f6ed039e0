-- Events are rows: every state change a client may want to see (run created, cells finished, run completed, and
-- what later features add), written in the transaction that made the change. Server-sent events, webhooks and
-- resumption read them; no node's memory is the only copy.
--
-- Commit order, not id order: a row's id is taken when it is inserted, its transaction may commit later than a row
-- with a higher id. txid is its transaction's id; a reader delivers only rows whose transaction is older than the
-- oldest transaction still running (pg_snapshot_xmin), in (txid, id) order, so no commit can land behind a cursor.
CREATE TABLE event (
    id           bigserial   PRIMARY KEY,
    txid         xid8        NOT NULL DEFAULT pg_current_xact_id(),
    workspace_id bigint      NOT NULL,
    run_id       bigint,
    type         text        NOT NULL CHECK (type ~ '^[a-z]+(\.[a-z_]+)+$'),
    payload      jsonb       NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_workspace_order ON event (workspace_id, txid, id);
CREATE INDEX event_run_order ON event (run_id, txid, id) WHERE run_id IS NOT NULL;
