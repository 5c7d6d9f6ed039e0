-- A leased page whose requests are over (it is being read and stored) no longer counts against its host's limit of
-- requests at a time (sightline.fetch.per-host): the host's next page is fetched meanwhile. Reset by every claim.
ALTER TABLE job_item ADD COLUMN fetch_done boolean NOT NULL DEFAULT false;
DROP INDEX job_item_leased_host;
CREATE INDEX job_item_fetching_host ON job_item (host) WHERE status = 'leased' AND NOT fetch_done;
