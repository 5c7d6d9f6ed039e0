package dev.sightline.run;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.store.RawBodies;
import dev.sightline.values.Json;

/**
 * The work queue. Claims take due cells with {@code FOR UPDATE SKIP LOCKED} so nodes never claim the same cell;
 * every later write is fenced by the lease token, so a node that lost its lease (it froze, its lease expired and
 * another node took the cell) cannot overwrite the winner. All times come from the database clock.
 */
public final class CellRepository {

    /** A sweep cell asks its buyer prompt; every other kind carries the text it sends (see {@link CellKind}). */
    private static final String CLAIM_UPDATE = """
            UPDATE cell c
               SET status = 'leased', attempts = c.attempts + 1, lease_owner = ?, lease_token = gen_random_uuid(),
                   lease_until = now() + make_interval(secs => ?), updated_at = now()
              FROM picked, run r
             WHERE c.id = picked.id AND r.id = c.run_id
            RETURNING c.id, c.run_id, r.workspace_id, c.prompt_id,
                      coalesce(c.prompt_text, (SELECT p.text FROM prompt p WHERE p.id = c.prompt_id)) AS text,
                      c.provider, c.sample, c.attempts, c.lease_token, c.kind, c.temperature, c.max_tokens""";

    private static final String CLAIM = """
            WITH picked AS MATERIALIZED (
              SELECT id FROM cell
               WHERE provider = ? AND status = 'pending' AND next_attempt_at <= now()
               ORDER BY next_attempt_at, id
               LIMIT ?
               FOR UPDATE SKIP LOCKED)
            """ + CLAIM_UPDATE;

    /** The claim when some workspaces' cells must wait (their daily budget is spent): a statement of its own. */
    private static final String CLAIM_EXCEPT_WORKSPACES = """
            WITH picked AS MATERIALIZED (
              SELECT c.id FROM cell c JOIN run r ON r.id = c.run_id
               WHERE c.provider = ? AND c.status = 'pending' AND c.next_attempt_at <= now()
                 AND NOT (r.workspace_id = ANY (?::bigint[]))
               ORDER BY c.next_attempt_at, c.id
               LIMIT ?
               FOR UPDATE OF c SKIP LOCKED)
            """ + CLAIM_UPDATE;


    /**
     * Success for a group of cells in one statement, used by the pipeline: for each cell the lease-token fence, the
     * immutable raw response (its provider, kind, models and finish reason as the id of their response_label row,
     * sql/V33) and its analysis-queue entry. A cell whose fence fails (another node owns it now) gets
     * nothing written and no row back; the others are unaffected. Input rows are matched back by lease token, so a
     * node holding a stale and a current claim of one cell in the same group stores only the current one. Rows are
     * locked in id order, as {@link #EXTEND} locks them, so a group and a lease extension cannot deadlock. Bodies are
     * stored as {@link RawBodies#compress} writes them, answers as {@link AnswerColumns#encode} does, their citation
     * URLs (a JSON array of text each) as the ids {@link #CITED_URLS} gave them: one index lookup each (a join let a
     * generic plan hash all of cited_url for every answer, 0.6 ms an answer at 1,600 URLs and growing with them); a
     * URL missing there would be a NULL id, which response_citation_urls_shape refuses.
     */
    private static final String STORE_SUCCEEDED = """
            WITH input AS (
              SELECT * FROM unnest(?::bigint[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[],
                                   ?::bytea[], ?::bytea[], ?::bigint[], ?::bigint[], ?::int[], ?::numeric[],
                                   ?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[])
                AS t(cell_id, token, provider, kind, model_requested, model_served, http_status, raw_body,
                     answer, tokens_in, tokens_out, search_calls, cost_usd, latency_ms,
                     provider_request_id, finish_reason, attempt, citation_urls)),
            locked AS MATERIALIZED (
              SELECT c.id FROM cell c JOIN input i ON i.cell_id = c.id AND i.token = c.lease_token
               WHERE c.status = 'leased'
               ORDER BY c.id
                 FOR UPDATE OF c),
            fenced AS (
              UPDATE cell c SET status = 'succeeded', lease_owner = NULL, lease_token = NULL, lease_until = NULL,
                     last_error = NULL, updated_at = now()
                FROM locked l, input i
               WHERE c.id = l.id AND i.cell_id = l.id AND c.status = 'leased' AND c.lease_token = i.token
              RETURNING c.id, c.run_id, i.token),
            stored AS (
              INSERT INTO response_row (cell_id, label_id, http_status, answer, tokens_in, tokens_out,
                                        search_calls, cost_usd, latency_ms, provider_request_id, attempt,
                                        citation_urls)
              SELECT i.cell_id,
                     response_label_id(i.provider, i.kind, i.model_requested, i.model_served, i.finish_reason),
                     i.http_status, i.answer, i.tokens_in, i.tokens_out, i.search_calls, i.cost_usd,
                     i.latency_ms, i.provider_request_id, i.attempt,
                     CASE WHEN i.citation_urls IS NOT NULL THEN ARRAY(
                       SELECT (SELECT k.id::int FROM cited_url k WHERE k.url = u.url)
                         FROM jsonb_array_elements_text(i.citation_urls::jsonb) WITH ORDINALITY AS u(url, n)
                        ORDER BY u.n) END
                FROM input i JOIN fenced f ON f.id = i.cell_id AND f.token = i.token
              RETURNING id, cell_id),
            bodies AS (
              INSERT INTO response_body (response_id, encoding, body)
              SELECT s.id, '%s', i.raw_body
                FROM stored s JOIN fenced f ON f.id = s.cell_id JOIN input i ON i.cell_id = f.id AND i.token = f.token),
            queued AS (
              INSERT INTO analysis_queue (response_id, run_id)
              SELECT s.id, f.run_id FROM stored s JOIN fenced f ON f.id = s.cell_id)
            SELECT f.token, s.id FROM stored s JOIN fenced f ON f.id = s.cell_id""".formatted(RawBodies.DEFLATE_ANSWER_2);

    /**
     * The cited URLs of the answers about to be stored, before them in the same transaction, in a statement of its
     * own: the store's statement then sees those another transaction added meanwhile (read committed: a statement
     * sees what was committed before it began). New ones in order, so two groups adding the same ones wait, never
     * deadlock. The analysis adds the URLs it finds in the text the same way (write-analyses.sql).
     */
    private static final String CITED_URLS = """
            INSERT INTO cited_url (url)
            SELECT DISTINCT u FROM unnest(?::text[]) AS c(u)
             WHERE NOT EXISTS (SELECT 1 FROM cited_url k WHERE k.url = c.u)
             ORDER BY u
            ON CONFLICT (url) DO NOTHING""";

    /**
     * Appended to a statement whose CTE {@code changed} returns the cells it updated (id, run_id, provider, prompt_id,
     * status): the ones that ended failed or cancelled are announced as one {@code cell.finished} event per run, in
     * the same transaction.
     */
    static final String ANNOUNCE_ENDED = """
            , announced AS (
              INSERT INTO event (workspace_id, run_id, type, payload)
              SELECT r.workspace_id, ch.run_id, 'cell.finished',
                     jsonb_build_object('runId', ch.run_id, 'cells', jsonb_agg(jsonb_build_object(
                       'cellId', ch.id, 'provider', ch.provider, 'promptId', ch.prompt_id, 'status', ch.status,
                       'brandVisible', NULL, 'rank', NULL)
                       || CASE WHEN ch.kind = 'sweep' THEN '{}'::jsonb ELSE jsonb_build_object('kind', ch.kind) END
                       ORDER BY ch.id))
                     || CASE WHEN r.kind = 'experiment' THEN jsonb_build_object('experimentId',
                          (SELECT e.id FROM experiment e WHERE e.run_id = r.id)) ELSE '{}'::jsonb END
                FROM changed ch JOIN run r ON r.id = ch.run_id
               WHERE ch.status IN ('failed', 'cancelled')
               GROUP BY r.workspace_id, ch.run_id, r.kind, r.id)
            """;

    /**
     * A failed call: back to pending after the delay, or failed once the attempts are spent; cancelled when its run's
     * cancel was asked for meanwhile (the cancel only found it leased).
     */
    private static final String RETRY_OR_FAIL = """
            WITH changed AS (
              UPDATE cell c SET status = CASE WHEN r.cancel_requested_at IS NOT NULL THEN 'cancelled'
                                              WHEN c.attempts >= ? THEN 'failed' ELSE 'pending' END,
                     next_attempt_at = now() + make_interval(secs => ?),
                     last_error = CASE WHEN r.cancel_requested_at IS NULL THEN ? ELSE 'run cancelled' END,
                     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = now()
                FROM run r
               WHERE r.id = c.run_id AND c.id = ? AND c.status = 'leased' AND c.lease_token = ?
              RETURNING c.id, c.run_id, c.provider, c.prompt_id, c.status, c.kind)
            """ + ANNOUNCE_ENDED + "SELECT status FROM changed";

    /**
     * Not the cell's fault (open circuit, a node shutting down, a cell claimed ahead whose run was cancelled before
     * its call): no attempt spent, back to pending, or cancelled when its run's cancel was asked for meanwhile.
     */
    private static final String DEFER = """
            WITH changed AS (
              UPDATE cell c SET status = CASE WHEN r.cancel_requested_at IS NULL THEN 'pending' ELSE 'cancelled' END,
                     attempts = greatest(c.attempts - 1, 0), next_attempt_at = now() + make_interval(secs => ?),
                     last_error = CASE WHEN r.cancel_requested_at IS NULL THEN ? ELSE 'run cancelled' END,
                     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = now()
                FROM run r
               WHERE r.id = c.run_id AND c.id = ? AND c.status = 'leased' AND c.lease_token = ?
              RETURNING c.id, c.run_id, c.provider, c.prompt_id, c.status, c.kind)
            """ + ANNOUNCE_ENDED + "SELECT status FROM changed";

    /**
     * Rate limited: back to pending after the provider's delay, or failed once the cell has been rate limited for
     * longer than the bound (counted from its first 429, and including the wait ahead). No attempt is spent.
     */
    private static final String RATE_LIMITED = """
            WITH changed AS (
              UPDATE cell SET status = CASE WHEN coalesce(rate_limited_since, now()) + make_interval(secs => ?)
                                                < now() + make_interval(secs => ?) THEN 'failed' ELSE 'pending' END,
                     attempts = greatest(attempts - 1, 0),
                     rate_limited_since = coalesce(rate_limited_since, now()),
                     next_attempt_at = now() + make_interval(secs => ?), last_error = ?,
                     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = now()
               WHERE id = ? AND status = 'leased' AND lease_token = ?
              RETURNING id, run_id, provider, prompt_id, status, kind)
            """ + ANNOUNCE_ENDED + "SELECT status FROM changed";

    private static final String FAIL = """
            WITH changed AS (
              UPDATE cell SET status = 'failed', last_error = ?,
                     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = now()
               WHERE id = ? AND status = 'leased' AND lease_token = ?
              RETURNING id, run_id, provider, prompt_id, status, kind)
            """ + ANNOUNCE_ENDED + "SELECT status FROM changed";

    /** The leases this node holds, made longer; rows locked in id order like {@link #STORE_SUCCEEDED}. */
    private static final String EXTEND = """
            WITH mine AS MATERIALIZED (
              SELECT c.id FROM cell c JOIN unnest(?::bigint[], ?::uuid[]) AS t(id, token)
                ON c.id = t.id AND c.lease_token = t.token
               WHERE c.status = 'leased'
               ORDER BY c.id
                 FOR UPDATE OF c)
            UPDATE cell c SET lease_until = now() + make_interval(secs => ?)
              FROM mine WHERE c.id = mine.id
            RETURNING c.id""";

    /**
     * Expired leases go back to pending (their attempt stays spent: the call may have happened), or to failed
     * when the attempts are used up. The expiry is re-checked at write time under the row lock.
     */
    private static final String RESCUE_EXPIRED = """
            WITH expired AS MATERIALIZED (
              SELECT id FROM cell WHERE status = 'leased' AND lease_until < now()
               ORDER BY lease_until LIMIT 1000 FOR UPDATE SKIP LOCKED),
            changed AS (
              UPDATE cell c SET status = CASE WHEN c.attempts >= ? THEN 'failed' ELSE 'pending' END,
                     last_error = 'lease of node ' || coalesce(c.lease_owner, '?') || ' expired',
                     next_attempt_at = now(), lease_owner = NULL, lease_token = NULL, lease_until = NULL,
                     updated_at = now()
                FROM expired WHERE c.id = expired.id AND c.lease_until < now()
              RETURNING c.id, c.run_id, c.provider, c.prompt_id, c.status, c.kind)
            """ + ANNOUNCE_ENDED + "SELECT id, run_id FROM changed";

    private final Jdbc jdbc;

    public CellRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Leases up to {@code limit} due cells of a provider, none of the {@code exceptWorkspaces}. */
    public List<CellClaim> claim(String provider, int limit, String node, Duration lease, long[] exceptWorkspaces) {
        if (limit <= 0) {
            return List.of();
        }
        if (exceptWorkspaces.length == 0) {
            return jdbc.query(CLAIM, CellRepository::claimOf, provider, limit, node, seconds(lease));
        }
        return jdbc.query(CLAIM_EXCEPT_WORKSPACES, CellRepository::claimOf, provider, exceptWorkspaces, limit, node,
                seconds(lease));
    }

    /**
     * Stores the answers of several cells in one statement and one transaction (see {@link GroupStore}).
     *
     * @return response id per lease token of the claims whose lease still held; the others wrote nothing
     */
    public Map<UUID, Long> storeSucceeded(List<Map.Entry<CellClaim, StoredAnswer>> answers) {
        int n = answers.size();
        Long[] cellIds = new Long[n];
        UUID[] tokens = new UUID[n];
        String[] providers = new String[n];
        String[] kinds = new String[n];
        String[] requested = new String[n];
        String[] served = new String[n];
        Integer[] statuses = new Integer[n];
        byte[][] bodies = new byte[n][];
        byte[][] packed = new byte[n][];
        Long[] tokensIn = new Long[n];
        Long[] tokensOut = new Long[n];
        Integer[] searches = new Integer[n];
        BigDecimal[] costs = new BigDecimal[n];
        Long[] latencies = new Long[n];
        String[] requestIds = new String[n];
        String[] finishes = new String[n];
        Integer[] attempts = new Integer[n];
        String[] citationUrls = new String[n];
        List<String> allUrls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CellClaim c = answers.get(i).getKey();
            StoredAnswer a = answers.get(i).getValue();
            cellIds[i] = c.cellId();
            tokens[i] = c.leaseToken();
            attempts[i] = c.attempts();
            providers[i] = a.provider();
            kinds[i] = a.kind();
            requested[i] = a.modelRequested();
            served[i] = a.modelServed();
            statuses[i] = a.httpStatus();
            bodies[i] = RawBodies.compress(a.rawBody(), a.text(), a.citationsJson());
            AnswerColumns.Stored stored = AnswerColumns.encode(a.text(), a.citationsJson());
            packed[i] = stored.answer();
            if (!stored.urls().isEmpty()) {
                citationUrls[i] = Json.write(stored.urls());
                allUrls.addAll(stored.urls());
            }
            tokensIn[i] = a.tokensIn();
            tokensOut[i] = a.tokensOut();
            searches[i] = a.searchCalls();
            costs[i] = a.costUsd();
            latencies[i] = a.latencyMs();
            requestIds[i] = a.requestId();
            finishes[i] = a.finishReason();
        }
        Jdbc.Work<Map<UUID, Long>> store = c -> {
            if (!allUrls.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(CITED_URLS)) {
                    ps.setArray(1, c.createArrayOf("text", allUrls.toArray()));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(STORE_SUCCEEDED)) {
                Object[][] columns = {cellIds, tokens, providers, kinds, requested, served, statuses, bodies, packed,
                        tokensIn, tokensOut, searches, costs, latencies, requestIds, finishes, attempts,
                        citationUrls};
                String[] types = {"bigint", "uuid", "text", "text", "text", "text", "int4", "bytea", "bytea",
                        "bigint", "bigint", "int4", "numeric", "bigint", "text", "text", "int4", "text"};
                for (int i = 0; i < columns.length; i++) {
                    ps.setArray(i + 1, c.createArrayOf(types[i], columns[i]));
                }
                Map<UUID, Long> stored = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.put(rs.getObject(1, UUID.class), rs.getLong(2));
                    }
                }
                return stored;
            }
        };
        // one commit either way: a commit waits for its WAL to reach the disk
        return allUrls.isEmpty() ? jdbc.withConnection(store) : jdbc.inTransaction(store);
    }

    /** @return the new status ({@code pending} or {@code failed}), or null when the lease was lost */
    public String retryOrFail(CellClaim claim, int maxAttempts, Duration delay, String error) {
        return jdbc.queryOne(RETRY_OR_FAIL, rs -> rs.getString(1), maxAttempts, seconds(delay), clip(error),
                claim.cellId(), claim.leaseToken()).orElse(null);
    }

    /** @return {@code pending}, {@code cancelled} (its run is being cancelled), or null when the lease was lost */
    public String defer(CellClaim claim, Duration delay, String reason) {
        return jdbc.queryOne(DEFER, rs -> rs.getString(1), seconds(delay), clip(reason), claim.cellId(),
                claim.leaseToken()).orElse(null);
    }

    /**
     * @param bound   how long a cell may stay rate limited in all ({@code sightline.retry.max-rate-limited})
     * @return {@code pending}, {@code failed} (the bound is passed), or null when the lease was lost
     */
    public String rateLimited(CellClaim claim, Duration delay, Duration bound, String reason) {
        double d = seconds(delay);
        return jdbc.queryOne(RATE_LIMITED, rs -> rs.getString(1), seconds(bound), d, d, clip(reason), claim.cellId(),
                claim.leaseToken()).orElse(null);
    }

    public boolean fail(CellClaim claim, String error) {
        return jdbc.queryOne(FAIL, rs -> rs.getString(1), clip(error), claim.cellId(), claim.leaseToken()).isPresent();
    }

    /** Extends the leases this node still holds; returns the ids it still holds. */
    public List<Long> extend(List<CellClaim> claims, Duration lease) {
        if (claims.isEmpty()) {
            return List.of();
        }
        long[] ids = new long[claims.size()];
        List<UUID> tokens = new ArrayList<>(claims.size());
        for (int i = 0; i < ids.length; i++) {
            ids[i] = claims.get(i).cellId();
            tokens.add(claims.get(i).leaseToken());
        }
        return jdbc.query(EXTEND, rs -> rs.getLong(1), ids, tokens, seconds(lease));
    }

    public record Rescued(long cellId, long runId) {
    }

    public List<Rescued> rescueExpired(int maxAttempts) {
        return jdbc.query(RESCUE_EXPIRED, rs -> new Rescued(rs.getLong(1), rs.getLong(2)), maxAttempts);
    }

    /** Returns claimed cells that never reached the provider to pending, without spending their attempt. */
    public int release(List<CellClaim> claims, String reason) {
        int n = 0;
        for (CellClaim c : claims) {
            if (defer(c, Duration.ZERO, reason) != null) {
                n++;
            }
        }
        return n;
    }

    private static CellClaim claimOf(ResultSet rs) throws SQLException {
        double t = rs.getDouble("temperature");
        Double temperature = rs.wasNull() ? null : t;
        return new CellClaim(rs.getLong("id"), rs.getLong("run_id"), rs.getLong("workspace_id"),
                rs.getLong("prompt_id"), rs.getString("text"), rs.getString("provider"), rs.getInt("sample"),
                rs.getInt("attempts"), rs.getObject("lease_token", UUID.class), rs.getString("kind"), temperature,
                Jdbc.nullableInt(rs, "max_tokens"));
    }

    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    static String clip(String s) {
        if (s == null) {
            return null;
        }
        String clean = s.replace('\0', ' ');
        return clean.length() <= 2000 ? clean : clean.substring(0, 2000) + "...";
    }
}
