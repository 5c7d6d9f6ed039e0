-- The migrations the schema was last brought up to date with: one SHA-256 over their file names and contents
-- (the jar's and ./sql's, merged). A start whose migrations are byte for byte those, with no failed migration on
-- record, has nothing for Flyway to apply or validate, and skips it (about 0.1-0.3 s of a cold start); any other
-- start runs Flyway as before and records the new fingerprint.
CREATE TABLE schema_fingerprint (
    id          smallint PRIMARY KEY CHECK (id = 1),
    fingerprint text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
