-- Storage (issue 18): an answer's text and native citations in one column, deflated by the app
-- (dev.sightline.store.AnswerColumns). PostgreSQL compresses values only in rows over 2 kB; most answers are
-- shorter, so the text (0.9 kB an answer on the history benchmark) and the citations' JSON (0.5 kB after
-- PostgreSQL's own compression of the longer lists) were stored as written: 1.57 kB a row in all.
--
-- New rows fill answer and leave answer_text and citations NULL; rows stored before keep theirs (response rows are
-- immutable: nothing is rewritten), and readers take either (no citations read as none). The constraint holds for
-- the old rows by the NOT NULL answer_text had, so it is not checked against them again.
ALTER TABLE response ADD COLUMN answer bytea;
ALTER TABLE response ALTER COLUMN answer_text DROP NOT NULL,
                     ALTER COLUMN citations DROP NOT NULL,
                     ALTER COLUMN citations DROP DEFAULT;
ALTER TABLE response ADD CONSTRAINT response_answer_stored
    CHECK (answer IS NOT NULL OR answer_text IS NOT NULL) NOT VALID;
