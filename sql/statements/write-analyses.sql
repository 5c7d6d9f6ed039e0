-- rollups (V7): what these answers counted for is taken away before their analyses are replaced
CALL rollup_retract(:?responseIds::bigint[]);
DELETE FROM mention WHERE response_id = ANY (:?responseIds::bigint[]);
DELETE FROM citation WHERE response_id = ANY (:?responseIds::bigint[]);
INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice, error, analyzed_at)
SELECT id, :?analyzerVersion, visible, sov, err, now()
  FROM unnest(:?responseIds::bigint[], :?brandVisible::boolean[], :?shareOfVoice::float8[], :?errors::text[])
       AS t(id, visible, sov, err)
ON CONFLICT (response_id) DO UPDATE
   SET analyzer_version = excluded.analyzer_version, brand_visible = excluded.brand_visible,
       share_of_voice = excluded.share_of_voice, error = excluded.error, analyzed_at = excluded.analyzed_at;
UPDATE analysis a SET answer_state = t.state
  FROM unnest(:?responseIds::bigint[], :?answerStates::text[]) AS t(id, state)
 WHERE a.response_id = t.id AND a.answer_state <> t.state;
INSERT INTO mention (response_id, entity_id, mentioned, mention_count, list_rank, mention_order, sentiment,
                     sentiment_score, evidence_offsets)
SELECT r, e, true, n, rk, o, s, sc, decode(ev, 'hex')
  FROM unnest(:?mentionResponseIds::bigint[], :?mentionEntityIds::bigint[], :?mentionCounts::int[],
              :?listRanks::int[], :?mentionOrders::int[], :?sentiments::text[], :?sentimentScores::float8[],
              :?evidence::text[]) AS m(r, e, n, rk, o, s, sc, ev);
-- a cited URL is stored once (V17), the new ones in order (two batches adding the same ones wait, never deadlock)
INSERT INTO cited_url (url)
SELECT DISTINCT u FROM unnest(:?citationUrls::text[]) AS c(u)
 WHERE NOT EXISTS (SELECT 1 FROM cited_url k WHERE k.url = c.u)
 ORDER BY u
ON CONFLICT (url) DO NOTHING;
INSERT INTO citation (response_id, position, url_id, domain, owner, entity_id, source, marker)
SELECT r, p, k.id, d, o, e, s, mk
  FROM unnest(:?citationResponseIds::bigint[], :?citationPositions::int[], :?citationUrls::text[],
              :?citationDomains::text[], :?citationOwners::text[], :?citationEntityIds::bigint[],
              :?citationSources::text[], :?citationMarkers::int[]) AS c(r, p, u, d, o, e, s, mk)
  JOIN cited_url k ON k.url = c.u;
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
