-- Storage (issue 18): raw bodies are deflated with a dictionary that starts with the four wire formats' keys and fixed
-- values (dev.sightline.store.RawBodies, body-dictionary-2.txt), before the cited URLs and the answer text as before.
-- A body took 554 bytes on average on the history benchmark, 250 with it: the JSON around the answer, and Gemini's
-- search suggestions stylesheet, were spelled out again in every body.
--
-- New bodies are 'deflate-answer-2'; those stored before keep their encoding (raw bodies are immutable) and are read
-- as they were written.
ALTER TABLE response_body DROP CONSTRAINT response_body_encoding_check,
    ADD CONSTRAINT response_body_encoding_check CHECK (encoding IN ('plain', 'deflate-answer', 'deflate-answer-2'));
