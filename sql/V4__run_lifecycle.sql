-- A workspace's own daily spend cap (budget.daily-usd in its file); NULL: sightline.budget.daily-usd applies.
ALTER TABLE workspace ADD COLUMN daily_budget_usd numeric(14, 6) CHECK (daily_budget_usd >= 0);

-- Since when a cell has been answered 429 without an answer in between: past sightline.retry.max-rate-limited
-- it fails with reason rate_limited instead of waiting for ever.
ALTER TABLE cell ADD COLUMN rate_limited_since timestamptz;

-- When a token was printed for a person (the service's start-up token, --create-token, POST /api/tokens). The
-- service prints a new start-up token while the default workspace has no live token that was ever shown.
ALTER TABLE api_token ADD COLUMN shown_at timestamptz;
UPDATE api_token SET shown_at = created_at WHERE name <> 'bootstrap';
