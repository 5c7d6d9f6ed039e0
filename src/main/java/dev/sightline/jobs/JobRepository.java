package dev.sightline.jobs;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;

/**
 * Jobs and their items in PostgreSQL, with the cells' rules: items are claimed with {@code FOR UPDATE SKIP LOCKED},
 * every later write is fenced by the item's lease token, expired leases are rescued, and a job's status and its
 * event are written by one statement once none of its items is pending or leased. All times are the database's.
 */
public final class JobRepository {

    /** Serialises claims, so the count of leased items per host that a claim reads is the true one. */
    private static final long CLAIM_LOCK = 0x5349_474A_4F42L;
    private static final String CLAIM_PREPARE = """
            SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(?)""";

    static final String JOB_COLUMNS = """
            id, workspace_id, kind, params::text AS params, status, progress, step, step_number, steps_total,
            items_total, result::text AS result, error, idempotency_key, request_hash, cancel_requested_at,
            created_at, started_at, finished_at, updated_at""";

    private static final String SELECT_BY_ID = "SELECT " + JOB_COLUMNS + " FROM job WHERE id = ? AND workspace_id = ?";
    private static final String SELECT_BY_KEY = "SELECT " + JOB_COLUMNS
            + " FROM job WHERE workspace_id = ? AND idempotency_key = ?";
    private static final String LIST = "SELECT " + JOB_COLUMNS + """
             FROM job
            WHERE workspace_id = ? AND (?::text IS NULL OR kind = ?::text) AND (?::text IS NULL OR status = ?::text)
              AND (?::bigint IS NULL OR id < ?::bigint)
            ORDER BY id DESC LIMIT ?""";
    private static final String INSERT_JOB = """
            INSERT INTO job (workspace_id, kind, params, items_total, steps_total, step, idempotency_key, request_hash)
            VALUES (?, ?, ?, ?, ?, 'Queued', ?, ?)
            ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
            RETURNING id""";
    private static final String INSERT_ITEMS = """
            INSERT INTO job_item (job_id, url, host, domain, cited_urls)
            SELECT ?, u, h, d, string_to_array(c, E'\n') FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])
                AS t(u, h, d, c)
            ON CONFLICT (job_id, url) DO NOTHING""";
    private static final String JOB_CREATED = """
            INSERT INTO event (workspace_id, job_id, type, payload)
            SELECT workspace_id, id, 'job.created',
                   jsonb_build_object('jobId', id, 'kind', kind, 'status', status, 'params', params,
                                      'itemsTotal', items_total, 'createdAt', created_at)
              FROM job WHERE id = ?""";

    /** A job.progress event for each job row the statement's CTE {@code changed} returned. */
    private static final String PROGRESS_EVENTS = """
            INSERT INTO event (workspace_id, job_id, type, payload)
            SELECT c.workspace_id, c.id, 'job.progress',
                   jsonb_build_object('jobId', c.id, 'kind', c.kind, 'status', c.status, 'progress', c.progress,
                                      'step', c.step, 'stepNumber', c.step_number, 'stepsTotal', c.steps_total)
              FROM changed c""";

    /**
     * The picked items leased, by key: joined to picked instead, the update scanned every pending item once per
     * picked one when the planner still thought a new job's items were few (a first claim of 100 took 50-100 ms).
     */
    private static final String CLAIM_TAIL = claimTail(false);

    private static String claimTail(boolean reserved) {
        return ("""
            claimed AS (
              UPDATE job_item i SET status = 'leased', fetch_done = {reserved}, attempts = i.attempts + 1,
                     lease_owner = ?, lease_token = gen_random_uuid(), lease_until = now() + make_interval(secs => ?),
                     updated_at = now()
               WHERE i.id = ANY (ARRAY(SELECT id FROM picked)) AND i.status = 'pending'
              RETURNING i.id, i.job_id, i.url, i.host, i.domain, i.cited_urls, i.attempts, i.lease_token),
            changed AS (
              UPDATE job j SET status = 'running', started_at = coalesce(j.started_at, now()), updated_at = now(),
                     step = CASE WHEN j.kind = 'page-analysis' THEN 'Fetching pages' ELSE 'Started' END
               WHERE j.id IN (SELECT job_id FROM claimed) AND j.status = 'queued'
              RETURNING j.id, j.workspace_id, j.kind, j.status, j.progress, j.step, j.step_number, j.steps_total),
            announced AS (
            """ + PROGRESS_EVENTS + """
            )
            SELECT c.id, c.job_id, j.workspace_id, j.kind, c.url, c.host, c.domain,
                   c.cited_urls, c.attempts, c.lease_token
              FROM claimed c JOIN job j ON j.id = c.job_id""").replace("{reserved}", String.valueOf(reserved));
    }

    /**
     * Leases due items for this node's idle consumers, at most {@code perHost} leased items per host across every
     * node (the caller holds {@link #CLAIM_LOCK}), spreading the claim over hosts (the first due item of each host
     * before the second of any). A job whose first item is leased becomes running, announced in the same statement.
     */
    private static final String CLAIM = """
            WITH busy AS (
              SELECT host, count(*) AS n FROM job_item WHERE status = 'leased' AND NOT fetch_done GROUP BY host),
            ranked AS (
              SELECT i.id, i.next_attempt_at, coalesce(b.n, 0) AS busy,
                     row_number() OVER (PARTITION BY i.host ORDER BY i.next_attempt_at, i.id) AS rn
                FROM job_item i JOIN job j ON j.id = i.job_id AND j.cancel_requested_at IS NULL
                LEFT JOIN busy b ON b.host = i.host
               WHERE i.status = 'pending' AND i.next_attempt_at <= now()),
            picked AS MATERIALIZED (
              SELECT r.id FROM ranked r JOIN job_item i ON i.id = r.id
               WHERE r.rn + r.busy <= ?
               ORDER BY r.rn, r.next_attempt_at, r.id
               LIMIT ?
                 FOR UPDATE OF i SKIP LOCKED),
            """ + CLAIM_TAIL;

    /**
     * The same for given hosts (items of them just ended, so they have free slots): an index lookup per host, where
     * the claim over every host ranks all due items.
     */
    private static final String CLAIM_HOSTS = """
            WITH hosts AS (
              SELECT DISTINCT unnest(?::text[]) AS host),
            busy AS (
              SELECT i.host, count(*) AS n FROM job_item i JOIN hosts h ON h.host = i.host
               WHERE i.status = 'leased' AND NOT i.fetch_done GROUP BY i.host),
            picked AS MATERIALIZED (
              SELECT x.id FROM hosts h CROSS JOIN LATERAL (
                  SELECT i.id FROM job_item i JOIN job j ON j.id = i.job_id AND j.cancel_requested_at IS NULL
                   WHERE i.host = h.host AND i.status = 'pending' AND i.next_attempt_at <= now()
                   ORDER BY i.next_attempt_at, i.id
                   LIMIT greatest(0, ? - coalesce((SELECT b.n FROM busy b WHERE b.host = h.host), 0))
                     FOR UPDATE OF i SKIP LOCKED) x
               LIMIT ?),
            """ + CLAIM_TAIL;

    /** Items whose requests are over: they no longer count against their hosts' limits (fenced by their leases). */
    private static final String FETCH_DONE = """
            UPDATE job_item i SET fetch_done = true
              FROM unnest(?::bigint[], ?::uuid[]) AS t(id, token)
             WHERE i.id = t.id AND i.lease_token = t.token AND i.status = 'leased'""";

    /**
     * A slot handed over: the reservation fetching, the ended item not (fenced by their leases; one statement, so no
     * claim sees the host's count dip). Its commit need not wait for the disk, as a claim's: returns the reservation's
     * id when it is still this node's.
     */
    private static final String HAND_OVER = """
            UPDATE job_item i SET fetch_done = t.done
              FROM unnest(?::bigint[], ?::uuid[], ?::boolean[]) AS t(id, token, done),
                   (SELECT set_config('synchronous_commit', 'off', true)) AS cfg
             WHERE i.id = t.id AND i.lease_token = t.token AND i.status = 'leased'
            RETURNING i.id""";

    /**
     * Reserves the next due items of hosts this node is fetching from, at most the given number per host: leased to
     * this node but not fetching (fetch_done), so they count against no host's limit until one of the node's fetches
     * on the host ends and hands its slot over (see {@link JobDispatcher}).
     */
    private static final String RESERVE = """
            WITH wanted AS (
              SELECT host, n FROM unnest(?::text[], ?::int[]) AS w(host, n)),
            picked AS MATERIALIZED (
              SELECT x.id FROM wanted w CROSS JOIN LATERAL (
                  SELECT i.id FROM job_item i JOIN job j ON j.id = i.job_id AND j.cancel_requested_at IS NULL
                   WHERE i.host = w.host AND i.status = 'pending' AND i.next_attempt_at <= now()
                   ORDER BY i.next_attempt_at, i.id
                   LIMIT w.n
                     FOR UPDATE OF i SKIP LOCKED) x),
            """ + claimTail(true);

    /** An item's end (succeeded, failed, cancelled), fenced by its lease. */
    private static final String ITEM_DONE = """
            UPDATE job_item SET status = ?, last_error = ?, lease_owner = NULL, lease_token = NULL, lease_until = NULL,
                   updated_at = now()
             WHERE id = ? AND status = 'leased' AND lease_token = ?""";

    /** A transient failure: pending again after the delay, failed once the attempts are spent. */
    private static final String ITEM_RETRY = """
            UPDATE job_item i
               SET status = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled'
                                 WHEN i.attempts >= ? THEN 'failed' ELSE 'pending' END,
                   next_attempt_at = now() + make_interval(secs => ?), last_error = ?,
                   lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = now()
              FROM job j
             WHERE j.id = i.job_id AND i.id = ? AND i.status = 'leased' AND i.lease_token = ?
            RETURNING i.status""";

    /** Not the item's fault (the node is stopping): back to pending without spending the attempt. */
    private static final String ITEM_RELEASE = """
            UPDATE job_item SET status = 'pending', attempts = greatest(attempts - 1, 0), last_error = ?,
                   lease_owner = NULL, lease_token = NULL, lease_until = NULL, next_attempt_at = now(), updated_at = now()
             WHERE id = ? AND status = 'leased' AND lease_token = ?""";

    /** A brand profile's step, written only while its item's lease holds, with its event. */
    private static final String STEP = """
            WITH changed AS (
              UPDATE job j SET step = ?, step_number = ?, steps_total = ?, progress = ?, updated_at = now()
                FROM job_item i
               WHERE i.id = ? AND i.status = 'leased' AND i.lease_token = ? AND j.id = i.job_id
                 AND j.status = 'running'
              RETURNING j.id, j.workspace_id, j.kind, j.status, j.progress, j.step, j.step_number, j.steps_total)
            """ + PROGRESS_EVENTS + " RETURNING id";

    private static final String SET_RESULT = "UPDATE job SET result = ?, updated_at = now() WHERE id = ?";

    /**
     * Page analysis progress from its items' counts, for running jobs whose count changed since it was last
     * written; each change announced as job.progress in the same statement (so at most one event per job per tick,
     * and none twice when several nodes tick together: the second finds the row already current).
     */
    private static final String PROGRESS = """
            WITH counts AS (
              SELECT j.id, count(*) AS total,
                     count(*) FILTER (WHERE i.status IN ('succeeded', 'failed', 'cancelled')) AS done,
                     count(*) FILTER (WHERE i.status = 'failed') AS failed
                FROM job j JOIN job_item i ON i.job_id = j.id
               WHERE j.status = 'running' AND j.kind = 'page-analysis'
               GROUP BY j.id),
            changed AS (
              UPDATE job j SET step_number = c.done, steps_total = c.total,
                     progress = least(99, (100 * c.done / greatest(c.total, 1))::int),
                     step = 'Fetched ' || c.done || ' of ' || c.total || ' pages'
                            || CASE WHEN c.failed > 0 THEN ' (' || c.failed || ' failed)' ELSE '' END,
                     updated_at = now()
                FROM counts c
               WHERE j.id = c.id AND j.status = 'running' AND j.step_number <> c.done
              RETURNING j.id, j.workspace_id, j.kind, j.status, j.progress, j.step, j.step_number, j.steps_total)
            """ + PROGRESS_EVENTS + " RETURNING job_id";

    private static final String FINALIZE_HEAD = """
            WITH done AS (
              UPDATE job j
                 SET status = CASE
                       WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled'
                       WHEN j.kind = 'brand-profile'
                            AND EXISTS (SELECT 1 FROM job_item f WHERE f.job_id = j.id AND f.status = 'failed')
                         THEN 'failed'
                       ELSE 'succeeded' END,
                     error = CASE
                       WHEN j.cancel_requested_at IS NOT NULL THEN NULL
                       WHEN j.kind = 'brand-profile' THEN (SELECT f.last_error FROM job_item f
                                                            WHERE f.job_id = j.id AND f.status = 'failed' LIMIT 1)
                       ELSE NULL END,
                     progress = CASE WHEN j.cancel_requested_at IS NOT NULL THEN j.progress ELSE 100 END,
                     step = CASE
                       WHEN j.cancel_requested_at IS NOT NULL THEN 'Cancelled'
                       WHEN j.kind = 'page-analysis' THEN
                         (SELECT 'Fetched ' || count(*) || ' of ' || count(*) || ' pages'
                                 || CASE WHEN count(*) FILTER (WHERE f.status = 'failed') > 0
                                         THEN ' (' || count(*) FILTER (WHERE f.status = 'failed') || ' failed)'
                                         ELSE '' END
                            FROM job_item f WHERE f.job_id = j.id)
                       WHEN EXISTS (SELECT 1 FROM job_item f WHERE f.job_id = j.id AND f.status = 'failed')
                         THEN 'Failed'
                       ELSE 'Done' END,
                     step_number = CASE WHEN j.kind = 'page-analysis' THEN j.items_total ELSE j.step_number END,
                     steps_total = CASE WHEN j.kind = 'page-analysis' THEN j.items_total ELSE j.steps_total END,
                     finished_at = now(), updated_at = now()
               WHERE j.status IN ('queued', 'running')
            """;
    private static final String FINALIZE_TAIL = """
                 AND NOT EXISTS (SELECT 1 FROM job_item i WHERE i.job_id = j.id AND i.status IN ('pending', 'leased'))
              RETURNING j.id, j.workspace_id, j.kind, j.status, j.progress, j.step, j.error, j.finished_at),
            announced AS (
              INSERT INTO event (workspace_id, job_id, type, payload)
              SELECT d.workspace_id, d.id, CASE d.status WHEN 'succeeded' THEN 'job.completed'
                                                         ELSE 'job.' || d.status END,
                     jsonb_build_object('jobId', d.id, 'kind', d.kind, 'status', d.status, 'progress', d.progress,
                       'step', d.step, 'error', d.error, 'finishedAt', d.finished_at,
                       'counts', (SELECT jsonb_object_agg(x.status, x.n) FROM (SELECT status, count(*) AS n
                                    FROM job_item WHERE job_id = d.id GROUP BY status) x))
                FROM done d)
            SELECT id, status FROM done""";
    /** Ends the given jobs whose items are all over; status and event in one statement. */
    private static final String FINALIZE_IDS = FINALIZE_HEAD + "   AND j.id = ANY (?::bigint[])\n" + FINALIZE_TAIL;
    /** The same for every open job (the upkeep timer: a job whose last item ended on a node that died). */
    private static final String FINALIZE_OPEN = FINALIZE_HEAD + FINALIZE_TAIL;

    private static final String REQUEST_CANCEL = """
            UPDATE job SET cancel_requested_at = coalesce(cancel_requested_at, now()), updated_at = now()
             WHERE id = ? AND workspace_id = ? AND status IN ('queued', 'running')""";
    private static final String CANCEL_PENDING = """
            UPDATE job_item SET status = 'cancelled', last_error = 'job cancelled', updated_at = now()
             WHERE job_id = ? AND status = 'pending'""";

    /** The leases this node holds, made longer; says which of their jobs were cancelled meanwhile. */
    private static final String EXTEND = """
            WITH mine AS MATERIALIZED (
              SELECT i.id FROM job_item i JOIN unnest(?::bigint[], ?::uuid[]) AS t(id, token)
                ON i.id = t.id AND i.lease_token = t.token
               WHERE i.status = 'leased'
               ORDER BY i.id
                 FOR UPDATE OF i)
            UPDATE job_item i SET lease_until = now() + make_interval(secs => ?)
              FROM mine, job j WHERE i.id = mine.id AND j.id = i.job_id
            RETURNING i.id, j.cancel_requested_at IS NOT NULL AS cancelled""";

    /**
     * Expired leases go back to pending (their attempt stays spent), to failed when the attempts are used up, or to
     * cancelled when their job was cancelled; the expiry is re-checked at write time under the row lock.
     */
    private static final String RESCUE_EXPIRED = """
            WITH expired AS MATERIALIZED (
              SELECT id FROM job_item WHERE status = 'leased' AND lease_until < now()
               ORDER BY lease_until LIMIT 1000 FOR UPDATE SKIP LOCKED)
            UPDATE job_item i
               SET status = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled'
                                 WHEN i.attempts >= ? THEN 'failed' ELSE 'pending' END,
                   last_error = 'lease of node ' || coalesce(i.lease_owner, '?') || ' expired',
                   next_attempt_at = now(), lease_owner = NULL, lease_token = NULL, lease_until = NULL,
                   updated_at = now()
              FROM expired, job j
             WHERE i.id = expired.id AND j.id = i.job_id AND i.lease_until < now()
            RETURNING i.job_id""";

    private static final String COUNTS = "SELECT status, count(*) AS n FROM job_item WHERE job_id = ? GROUP BY status";

    /** A completed run without its page analysis yet (sightline.pages.enabled). */
    private static final String RUNS_WITHOUT_PAGE_JOB = """
            SELECT r.id, r.workspace_id FROM run r
             WHERE r.status IN ('completed', 'completed_with_failures')
               AND r.finished_at > now() - make_interval(secs => ?)
               AND NOT EXISTS (SELECT 1 FROM job j WHERE j.workspace_id = r.workspace_id
                                  AND j.idempotency_key = 'run:' || r.id)
             ORDER BY r.id LIMIT 20""";

    private final Jdbc jdbc;

    public JobRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * An item to create: the (canonical) URL, its politeness key, the domain its page is filed under, and the URLs
     * as cited that lead to it.
     */
    public record NewItem(String url, String host, String domain, List<String> citedUrls) {
    }

    public record Created(Job job, boolean created) {
    }

    /**
     * Stores a job and all its items in one transaction with its job.created event, or returns the job an earlier
     * request with the same idempotency key created. A job with no items ends at once.
     */
    public Created create(long workspaceId, String kind, String paramsJson, String idempotencyKey, String requestHash,
                          List<NewItem> items, int stepsTotal) {
        Created c = jdbc.inTransaction(conn -> {
            if (idempotencyKey != null) {
                Optional<Job> existing = Jdbc.queryOne(conn, SELECT_BY_KEY, JobRepository::job, workspaceId,
                        idempotencyKey);
                if (existing.isPresent()) {
                    return new Created(existing.get(), false);
                }
            }
            Optional<Long> id = Jdbc.queryOne(conn, INSERT_JOB, rs -> rs.getLong(1), workspaceId, kind,
                    new Jdbc.JsonText(paramsJson), items.size(), stepsTotal, idempotencyKey, requestHash);
            if (id.isEmpty()) {
                return new Created(Jdbc.queryOne(conn, SELECT_BY_KEY, JobRepository::job, workspaceId,
                        idempotencyKey).orElseThrow(), false);
            }
            if (!items.isEmpty()) {
                Jdbc.update(conn, INSERT_ITEMS, id.get(), items.stream().map(NewItem::url).toList(),
                        items.stream().map(NewItem::host).toList(), items.stream().map(NewItem::domain).toList(),
                        items.stream().map(i -> String.join("\n", i.citedUrls())).toList());
            }
            Jdbc.update(conn, JOB_CREATED, id.get());
            if (items.isEmpty()) {
                Jdbc.query(conn, FINALIZE_IDS, rs -> null, (Object) new long[] {id.get()});
            }
            return new Created(Jdbc.queryOne(conn, SELECT_BY_ID, JobRepository::job, id.get(), workspaceId)
                    .orElseThrow(), true);
        });
        return c;
    }

    public Optional<Job> find(long workspaceId, long id) {
        return jdbc.queryOne(SELECT_BY_ID, JobRepository::job, id, workspaceId);
    }

    public Optional<Job> findByKey(long workspaceId, String idempotencyKey) {
        return jdbc.queryOne(SELECT_BY_KEY, JobRepository::job, workspaceId, idempotencyKey);
    }

    public List<Job> list(long workspaceId, String kind, String status, Long before, int limit) {
        return jdbc.query(LIST, JobRepository::job, workspaceId, kind, kind, status, status, before, before, limit);
    }

    /** Items per status, every status present (0 when none). */
    public Map<String, Integer> counts(long jobId) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String s : List.of("pending", "leased", "succeeded", "failed", "cancelled")) {
            out.put(s, 0);
        }
        jdbc.query(COUNTS, rs -> out.put(rs.getString("status"), rs.getInt("n")), jobId);
        return out;
    }

    /** Writes a hand-over (see {@link #HAND_OVER}); false when the reservation is no longer leased to its holder. */
    public boolean handOver(JobItemClaim ended, JobItemClaim next) {
        return jdbc.query(HAND_OVER, rs -> rs.getLong(1), new long[] {next.itemId(), ended.itemId()},
                List.of(next.leaseToken(), ended.leaseToken()), List.of(false, true)).contains(next.itemId());
    }

    /** What a claim leased: items to fetch now, and items reserved to take over the slots of fetches that end. */
    public record Claimed(List<JobItemClaim> now, List<JobItemClaim> reserved) {
    }

    /**
     * Claims due items of any host ({@code hosts} null) or of these hosts, after marking the items whose requests
     * are over ({@code fetched}), so their hosts' slots count as free; then reserves the next items of the hosts
     * {@code reserve} names (given what was claimed, how many per host), in the same transaction.
     */
    public Claimed claim(List<String> hosts, List<JobItemClaim> fetched, int perHost, int limit, String node,
                         Duration lease, Function<List<JobItemClaim>, Map<String, Integer>> reserve) {
        return jdbc.inTransaction(c -> {
            if (!fetched.isEmpty()) {
                Jdbc.update(c, FETCH_DONE, fetched.stream().map(JobItemClaim::itemId).toList(),
                        fetched.stream().map(JobItemClaim::leaseToken).toList());
            }
            // a claim lost in a crash of the database costs nothing: every later write is fenced by the lease
            // token, so the item is simply claimed again; its commit need not wait for the disk
            // (one round trip with the lock, which must come before the claim's statement and its snapshot)
            Jdbc.query(c, CLAIM_PREPARE, rs -> null, CLAIM_LOCK);
            List<JobItemClaim> now = limit <= 0 ? List.of() : hosts == null
                    ? Jdbc.query(c, CLAIM, JobRepository::claimOf, perHost, limit, node, seconds(lease))
                    : Jdbc.query(c, CLAIM_HOSTS, JobRepository::claimOf, hosts, perHost, limit, node,
                            seconds(lease));
            Map<String, Integer> wanted = reserve.apply(now);
            List<JobItemClaim> reserved = wanted.isEmpty() ? List.of()
                    : Jdbc.query(c, RESERVE, JobRepository::claimOf, List.copyOf(wanted.keySet()),
                            List.copyOf(wanted.values()), node, seconds(lease));
            return new Claimed(now, reserved);
        });
    }

    /** Ends an item (succeeded, failed or cancelled); false when its lease was lost. */
    public boolean done(JobItemClaim claim, String status, String error) {
        return jdbc.update(ITEM_DONE, status, clip(error), claim.itemId(), claim.leaseToken()) == 1;
    }

    /** {@link #done} inside a caller's transaction (the item's outcome and what it stored commit together). */
    public static boolean done(Connection c, JobItemClaim claim, String status, String error) throws SQLException {
        return Jdbc.update(c, ITEM_DONE, status, clip(error), claim.itemId(), claim.leaseToken()) == 1;
    }

    /** @return the item's new status (pending, failed or cancelled), or null when its lease was lost */
    public String retryOrFail(JobItemClaim claim, int maxAttempts, Duration delay, String error) {
        return jdbc.queryOne(ITEM_RETRY, rs -> rs.getString(1), maxAttempts, seconds(delay), clip(error),
                claim.itemId(), claim.leaseToken()).orElse(null);
    }

    public boolean release(JobItemClaim claim, String reason) {
        return jdbc.update(ITEM_RELEASE, clip(reason), claim.itemId(), claim.leaseToken()) == 1;
    }

    /** Writes a step of a brand profile; false when the item's lease was lost or the job is over. */
    public boolean step(JobItemClaim claim, String step, int number, int total) {
        int progress = total <= 0 ? 0 : Math.min(99, 100 * Math.max(0, number - 1) / total);
        return !jdbc.query(STEP, rs -> rs.getLong(1), clip(step), number, total, progress, claim.itemId(),
                claim.leaseToken()).isEmpty();
    }

    /** A brand profile's result and its item's success, one transaction; false when the lease was lost. */
    public boolean succeedWithResult(JobItemClaim claim, String resultJson) {
        return jdbc.inTransaction(c -> {
            if (!done(c, claim, "succeeded", null)) {
                return false;
            }
            Jdbc.update(c, SET_RESULT, new Jdbc.JsonText(resultJson), claim.jobId());
            return true;
        });
    }

    public record Finished(long jobId, String status) {
    }

    public List<Finished> finalizeJobs(long... jobIds) {
        return jdbc.query(FINALIZE_IDS, rs -> new Finished(rs.getLong(1), rs.getString(2)), (Object) jobIds);
    }

    public List<Finished> finalizeOpen() {
        return jdbc.query(FINALIZE_OPEN, rs -> new Finished(rs.getLong(1), rs.getString(2)));
    }

    /** Page analysis progress, written and announced for the jobs whose counts changed; returns their ids. */
    public List<Long> writeProgress() {
        return jdbc.query(PROGRESS, rs -> rs.getLong(1));
    }

    /** Asks a job to stop: pending items cancelled now, items in flight when their node notices. */
    public boolean requestCancel(long workspaceId, long jobId) {
        return jdbc.inTransaction(c -> {
            if (Jdbc.update(c, REQUEST_CANCEL, jobId, workspaceId) == 0) {
                return false;
            }
            Jdbc.update(c, CANCEL_PENDING, jobId);
            return true;
        });
    }

    public record Extended(long itemId, boolean cancelled) {
    }

    public List<Extended> extend(List<JobItemClaim> claims, Duration lease) {
        if (claims.isEmpty()) {
            return List.of();
        }
        long[] ids = new long[claims.size()];
        List<UUID> tokens = new ArrayList<>(claims.size());
        for (int i = 0; i < ids.length; i++) {
            ids[i] = claims.get(i).itemId();
            tokens.add(claims.get(i).leaseToken());
        }
        return jdbc.query(EXTEND, rs -> new Extended(rs.getLong(1), rs.getBoolean(2)), ids, tokens, seconds(lease));
    }

    /** @return the jobs whose items were rescued (one entry per item) */
    public List<Long> rescueExpired(int maxAttempts) {
        return jdbc.query(RESCUE_EXPIRED, rs -> rs.getLong(1), maxAttempts);
    }

    public record RunRef(long runId, long workspaceId) {
    }

    public List<RunRef> runsWithoutPageAnalysis(Duration window) {
        return jdbc.query(RUNS_WITHOUT_PAGE_JOB, rs -> new RunRef(rs.getLong(1), rs.getLong(2)), seconds(window));
    }

    static Job job(ResultSet rs) throws SQLException {
        return new Job(rs.getLong("id"), rs.getLong("workspace_id"), rs.getString("kind"),
                Json.parseObject(rs.getString("params")), rs.getString("status"), rs.getInt("progress"),
                rs.getString("step"), rs.getInt("step_number"), rs.getInt("steps_total"), rs.getInt("items_total"),
                rs.getString("result"), rs.getString("error"), rs.getString("idempotency_key"),
                rs.getString("request_hash"), Jdbc.instant(rs, "cancel_requested_at"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "started_at"), Jdbc.instant(rs, "finished_at"), Jdbc.instant(rs, "updated_at"));
    }

    private static JobItemClaim claimOf(ResultSet rs) throws SQLException {
        return new JobItemClaim(rs.getLong("id"), rs.getLong("job_id"), rs.getLong("workspace_id"),
                rs.getString("kind"), rs.getString("url"), rs.getString("host"), rs.getString("domain"),
                Jdbc.strings(rs, "cited_urls"), rs.getInt("attempts"), rs.getObject("lease_token", UUID.class));
    }

    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** An error as stored (NUL removed, at most 2,000 characters). */
    public static String clipError(String s) {
        return clip(s);
    }

    static String clip(String s) {
        if (s == null) {
            return null;
        }
        String clean = s.replace('\0', ' ');
        return clean.length() <= 2000 ? clean : clean.substring(0, 2000) + "...";
    }
}
