-- rollups (V7): what these answers counted for is taken away before their analyses are replaced
CALL rollup_retract(:?responseIds::bigint[]);
-- a cited URL is stored once (V17), and a cited domain (V28), the new ones in order (two batches adding the same ones
-- wait, never deadlock)
INSERT INTO cited_url (url)
SELECT DISTINCT u FROM unnest(:?citationUrls::text[]) AS c(u)
 WHERE NOT EXISTS (SELECT 1 FROM cited_url k WHERE k.url = c.u)
 ORDER BY u
ON CONFLICT (url) DO NOTHING;
INSERT INTO cited_domain (domain)
SELECT DISTINCT d FROM unnest(:?citationDomains::text[]) AS c(d)
 WHERE d <> '' AND NOT EXISTS (SELECT 1 FROM cited_domain k WHERE k.domain = c.d)
 ORDER BY d
ON CONFLICT (domain) DO NOTHING;
-- an answer's mentions and citations are arrays of its analysis row (V28: the columns and codes are described there;
-- the views mention and citation show them as rows)
INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice, error, answer_state, analyzed_at,
                      mentions, mention_scores, mention_offsets, mention_evidence, citations)
SELECT t.id, :?analyzerVersion, t.visible, t.sov, t.err, t.state, now(), m.mentions, m.scores, m.offsets, NULL,
       c.citations
  FROM unnest(:?responseIds::bigint[], :?brandVisible::boolean[], :?shareOfVoice::float8[], :?errors::text[],
              :?answerStates::text[]) AS t(id, visible, sov, err, state)
  -- a score in thousandths, the seventh column (V32); the scores as written only if one is not whole thousandths
  LEFT JOIN (SELECT r, array_agg(ARRAY[e::int, 1, n, rk, o,
                                       array_position(mention_sentiments(), s), round(sc * 1000)::int]
                                 ORDER BY e) AS mentions,
                    CASE WHEN bool_and(sc IS NULL OR sc = round(sc * 1000) / 1000) THEN NULL
                         ELSE array_agg(sc ORDER BY e) END AS scores,
                    array_agg(decode(ev, 'hex') ORDER BY e) AS offsets
               FROM unnest(:?mentionResponseIds::bigint[], :?mentionEntityIds::bigint[], :?mentionCounts::int[],
                           :?listRanks::int[], :?mentionOrders::int[], :?sentiments::text[],
                           :?sentimentScores::float8[], :?evidence::text[]) AS m(r, e, n, rk, o, s, sc, ev)
              GROUP BY r) m ON m.r = t.id
  LEFT JOIN (SELECT r, array_agg(ARRAY[p, k.id::int, d.id, e::int, mk,
                                       array_position(citation_owners(), o),
                                       array_position(citation_sources(), s)]
                                 ORDER BY p) AS citations
               FROM unnest(:?citationResponseIds::bigint[], :?citationPositions::int[], :?citationUrls::text[],
                           :?citationDomains::text[], :?citationOwners::text[], :?citationEntityIds::bigint[],
                           :?citationSources::text[], :?citationMarkers::int[]) AS c(r, p, u, dn, o, e, s, mk)
               JOIN cited_url k ON k.url = c.u
               LEFT JOIN cited_domain d ON d.domain = c.dn
              GROUP BY r) c ON c.r = t.id
ON CONFLICT (response_id) DO UPDATE
   SET analyzer_version = excluded.analyzer_version, brand_visible = excluded.brand_visible,
       share_of_voice = excluded.share_of_voice, error = excluded.error, answer_state = excluded.answer_state,
       analyzed_at = excluded.analyzed_at, mentions = excluded.mentions, mention_scores = excluded.mention_scores,
       mention_offsets = excluded.mention_offsets, mention_evidence = NULL, citations = excluded.citations;
INSERT INTO event (workspace_id, run_id, type, payload)
SELECT r.workspace_id, c.run_id, 'cell.finished',
       jsonb_build_object('runId', c.run_id, 'cells', jsonb_agg(jsonb_build_object(
         'cellId', c.id, 'provider', c.provider, 'promptId', c.prompt_id, 'status', c.status,
         'brandVisible', a.brand_visible, 'rank', m.list_rank) ORDER BY c.id))
       || CASE WHEN r.kind = 'experiment'
               THEN jsonb_build_object('experimentId', (SELECT e.id FROM experiment e WHERE e.run_id = r.id))
               ELSE '{}'::jsonb END
  FROM analysis_queue q
  JOIN response s ON s.id = q.response_id
  JOIN cell c ON c.id = s.cell_id
  JOIN run r ON r.id = c.run_id
  JOIN analysis a ON a.response_id = s.id
  LEFT JOIN entity b ON b.workspace_id = r.workspace_id AND b.kind = 'brand' AND b.active
  LEFT JOIN mention m ON m.response_id = s.id AND m.entity_id = b.id
 WHERE q.response_id = ANY (:?responseIds::bigint[])
 GROUP BY r.workspace_id, c.run_id, r.kind, r.id;
DELETE FROM analysis_queue WHERE response_id = ANY (:?queuedIds::bigint[]);
-- rollups (V7): their facts and what they add to the rollups, from the rows written above
CALL rollup_record(:?responseIds::bigint[]);
