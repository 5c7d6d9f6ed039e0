-- A stream opened with a ticket belongs to the token that asked for the ticket: revoking that token closes the stream
-- (EventStreams checks the tokens of its open streams). Tickets written before have none; they expire within seconds.
ALTER TABLE event_ticket ADD COLUMN token_id bigint;
