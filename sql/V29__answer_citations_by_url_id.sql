-- Storage (issue 18): an answer's native citations keep their URLs as ids of cited_url, where every cited URL is
-- stored once (V17), instead of spelling them out again in the deflated answer (dev.sightline.store.AnswerColumns,
-- format 2). Gemini's grounding redirect URLs are random tokens of about 220 characters, about seven an answer, which
-- deflate cannot shrink: they took 1.0 of a Gemini answer's 1.44 kB on the history benchmark, and cited_url held
-- them a second time for the analysis' citations.
--
-- citation_urls[i + 1] is the cited_url id of the answer's citation URL number i (the answer's citations name their
-- URL by that number). NULL for rows stored before (format 1, their URLs in the answer; response rows are immutable,
-- nothing is rewritten) and for answers without citation URLs. cited_url rows are never deleted.
ALTER TABLE response ADD COLUMN citation_urls int[];
ALTER TABLE response ADD CONSTRAINT response_citation_urls_shape
    CHECK (array_ndims(citation_urls) = 1 AND array_position(citation_urls, NULL) IS NULL);
