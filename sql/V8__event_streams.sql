-- Event streams (server-sent events, GET /api/events and /api/runs/{id}/events).
--
-- One reader per node tails the whole log in commit order (events.EventHub) and fans it out to its clients.
CREATE INDEX event_order ON event (txid, id);

-- Inserting events wakes the readers of every node: a NOTIFY is delivered when its transaction commits (never for
-- one rolled back), and PostgreSQL folds the identical ones of a transaction into one. Readers poll too, so a lost
-- notification (the listening connection was down) only delays events.
CREATE FUNCTION event_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sightline_events', '');
    RETURN NULL;
END $$;
CREATE TRIGGER event_written AFTER INSERT ON event FOR EACH ROW EXECUTE FUNCTION event_written();

-- Short-lived single-use tickets for browsers, whose EventSource cannot send an Authorization header
-- (POST /api/events/tickets, then GET /api/events?ticket=...). Only a hash is stored.
CREATE TABLE event_ticket (
    hash         text        PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX event_ticket_expiry ON event_ticket (expires_at);
