-- Storage (issue 18): a mention's evidence offsets packed (dev.sightline.analysis.Evidence#pack: differences,
-- zigzag, LEB128) in evidence_offsets, 5-8 bytes for the four offsets of a mention, where the JSON array in evidence
-- took 69 bytes a row (4.6 million rows at one year of history). New rows leave evidence NULL; rows written before
-- keep it (offsets, or snippets from before offsets) and are read as they were. A row with neither has no
-- evidence.
ALTER TABLE mention ADD COLUMN evidence_offsets bytea;
ALTER TABLE mention ALTER COLUMN evidence DROP NOT NULL,
                    ALTER COLUMN evidence DROP DEFAULT;
