-- Read-only API tokens: a token's access is 'full' (every endpoint, as before) or 'read' (GET requests, event
-- tickets and the stateless POST /api/analyze; anything that changes the workspace is 403). For a dashboard on a
-- wall, a BI tool's export or a colleague who should look but not start runs or mint tokens.
ALTER TABLE api_token ADD COLUMN access text NOT NULL DEFAULT 'full' CHECK (access IN ('full', 'read'));
