package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sightline.admin.Invariants;
import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * The checker itself: a consistent database passes, and each broken guarantee, written into the tables by hand, is
 * reported by its own check (so a fault test ending with "invariants ok" is not passing because a check is blind).
 */
class InvariantsTest {

    @Test
    void everyCheckReportsItsOwnViolationAndNothingElse() {
        try (Database db = Database.open(new Database.Settings(TestPostgres.newDatabase("invariants"), "postgres", "",
                2, Path.of("unused"), 0, Duration.ofSeconds(5)))) {
            Jdbc jdbc = new Jdbc(db.dataSource());
            Invariants invariants = new Invariants(jdbc, 3, Duration.ofSeconds(4), Duration.ofSeconds(64));
            Seed seed = new Seed(jdbc);
            long ws = seed.workspace("ws-a");
            long other = seed.workspace("ws-b");
            long run = seed.run(ws, "completed", 4);
            long[] cells = seed.cells(run, 4, "succeeded");
            for (long c : cells) {
                seed.response(c, 1);
            }
            assertThat(invariants.check().violations()).isEmpty();
            assertThat(invariants.check().ok()).isTrue();

            // each block breaks one guarantee and expects exactly that check to fire
            // this throwaway database lets the test write what the schema forbids
            jdbc.update("ALTER TABLE response_row DROP CONSTRAINT response_cell_id_key");
            jdbc.update("ALTER TABLE response_row DISABLE TRIGGER response_immutable");
            seed.response(cells[0], 1);
            expectOnly(invariants, "one_response_per_cell", 1);
            jdbc.update("DELETE FROM response_row WHERE id = (SELECT max(id) FROM response)");

            jdbc.update("UPDATE cell SET attempts = 2 WHERE id = ?", cells[1]);
            expectOnly(invariants, "response_from_current_lease", 1);
            jdbc.update("UPDATE cell SET attempts = 1 WHERE id = ?", cells[1]);

            jdbc.update("UPDATE run SET cells_total = 5 WHERE id = ?", run);
            expectOnly(invariants, "counts_add_up", 1);
            jdbc.update("UPDATE run SET cells_total = 4 WHERE id = ?", run);

            long open = seed.run(ws, "running", 6);
            long[] o = seed.cells(open, 6, "pending");
            assertThat(invariants.check().ok()).isTrue();

            jdbc.update("UPDATE cell SET status = 'succeeded', attempts = 1 WHERE id = ?", o[0]);
            seed.response(o[0], 1);
            jdbc.update("""
                    INSERT INTO analysis_queue (response_id, run_id, queued_at)
                    SELECT id, ?, now() - interval '1 minute' FROM response WHERE cell_id = ?""", open, o[0]);
            assertThat(invariants.check().ok()).as("waiting less than the grace: a node may be analysing it").isTrue();
            jdbc.update("UPDATE analysis_queue SET queued_at = now() - interval '65 seconds'");
            expectOnly(invariants, "no_stale_analysis", 1);
            jdbc.update("DELETE FROM analysis_queue");
            jdbc.update("DELETE FROM response_row WHERE cell_id = ?", o[0]);
            jdbc.update("UPDATE cell SET status = 'pending', attempts = 0 WHERE id = ?", o[0]);

            jdbc.update("UPDATE cell SET status = 'succeeded' WHERE id = ?", o[0]);
            expectOnly(invariants, "succeeded_has_response", 1);
            jdbc.update("UPDATE cell SET status = 'pending' WHERE id = ?", o[0]);

            seed.response(o[1], 0);
            expectOnly(invariants, "response_only_if_succeeded", 1);
            jdbc.update("DELETE FROM response_row WHERE cell_id = ?", o[1]);

            jdbc.update("UPDATE cell SET attempts = 4 WHERE id = ?", o[2]);
            expectOnly(invariants, "attempts_within_max", 1);
            jdbc.update("UPDATE cell SET attempts = 3 WHERE id = ?", o[2]);
            assertThat(invariants.check().ok()).as("max-attempts itself is allowed").isTrue();

            jdbc.update("""
                    UPDATE cell SET status = 'leased', lease_owner = 'node-x', lease_token = gen_random_uuid(),
                           lease_until = now() - interval '3 seconds' WHERE id = ?""", o[3]);
            assertThat(invariants.check().ok()).as("expired within the grace: a rescuer is about to take it").isTrue();
            jdbc.update("UPDATE cell SET lease_until = now() - interval '10 seconds' WHERE id = ?", o[3]);
            expectOnly(invariants, "no_stale_lease", 1);
            jdbc.update("""
                    UPDATE cell SET status = 'pending', lease_owner = NULL, lease_token = NULL, lease_until = NULL
                     WHERE id = ?""", o[3]);

            jdbc.update("UPDATE cell SET lease_owner = 'node-x' WHERE id = ?", o[4]);
            expectOnly(invariants, "lease_fields_consistent", 1);
            jdbc.update("UPDATE cell SET lease_owner = NULL WHERE id = ?", o[4]);

            jdbc.update("UPDATE cell SET status = 'failed', last_error = NULL WHERE id = ?", o[5]);
            expectOnly(invariants, "failed_has_reason", 1);
            jdbc.update("UPDATE cell SET last_error = 'HTTP 500' WHERE id = ?", o[5]);

            // a judge's reply read (stored, off the queue) without the judgement it gives was lost on the way
            long judge = jdbc.queryOne("""
                    INSERT INTO cell (run_id, kind, provider, sample, status, attempts, prompt_text, parent_cell_id)
                    VALUES (?, 'judge', 'p', 1, 'succeeded', 1, 'judge this', ?) RETURNING id""",
                    rs -> rs.getLong(1), run, cells[0]).orElseThrow();
            jdbc.update("UPDATE run SET cells_total = cells_total + 1 WHERE id = ?", run);
            seed.response(judge, 1);
            expectOnly(invariants, "replies_graded", 1);
            jdbc.update("""
                    INSERT INTO judgement (response_id, workspace_id, cache_key, status, judge_cell_id, error)
                    SELECT s.id, ?, 'k', 'failed', ?, 'not JSON' FROM response s JOIN cell c ON c.id = s.cell_id
                     WHERE c.id = ?""", ws, judge, cells[0]);
            assertThat(invariants.check().ok()).isTrue();
            // a judge (or grader) call that failed does not fail the run it belongs to
            jdbc.update("UPDATE cell SET status = 'failed', last_error = 'HTTP 500' WHERE id = ?", judge);
            jdbc.update("DELETE FROM response_row WHERE cell_id = ?", judge);
            assertThat(invariants.check().ok()).as("a completed run with a failed judge call").isTrue();

            jdbc.update("UPDATE run SET status = 'completed_with_failures' WHERE id = ?", open);
            expectOnly(invariants, "terminal_run_settled", 1);
            jdbc.update("UPDATE cell SET status = 'cancelled', last_error = 'run cancelled' WHERE run_id = ? AND status = 'pending'", open);
            assertThat(invariants.check().ok()).isTrue();

            jdbc.update("UPDATE run SET status = 'completed' WHERE id = ?", open);
            expectOnly(invariants, "run_status_matches_cells", 1);

            // another workspace sees only its own runs
            assertThat(invariants.check(other).ok()).isTrue();
            assertThat(invariants.check(ws).ok()).isFalse();
        }
    }

    @Test
    void theEndpointAnswersForTheCallersWorkspaceBehindTheToken() {
        try (TestApp app = TestApp.start("invariants_api", Map.of())) {
            long runId = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
            app.awaitRun(runId, Duration.ofSeconds(30));
            var ok = app.get("/api/admin/invariants");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.json().get("ok").asBoolean()).isTrue();
            assertThat(ok.json().get("violations").size()).isZero();

            app.sql("UPDATE run SET cells_total = cells_total + 1 WHERE id = " + runId);
            var bad = app.get("/api/admin/invariants").json();
            assertThat(bad.get("ok").asBoolean()).isFalse();
            assertThat(bad.get("violations").get(0).get("check").asText()).isEqualTo("counts_add_up");
            assertThat(bad.get("violations").get(0).get("count").asLong()).isEqualTo(1);
            assertThat(bad.get("violations").get(0).get("detail").asText()).contains("run " + runId);

            var anonymous = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/admin/invariants")).GET(),
                    null);
            assertThat(anonymous.status()).isEqualTo(401);
        }
    }

    private static void expectOnly(Invariants invariants, String check, long count) {
        Invariants.Report report = invariants.check();
        assertThat(report.ok()).isFalse();
        assertThat(report.violations()).as(report.toString()).hasSize(1);
        assertThat(report.violations().get(0).check()).isEqualTo(check);
        assertThat(report.violations().get(0).count()).isEqualTo(count);
    }

    /** Rows written straight into the schema, bypassing the application. */
    private record Seed(Jdbc jdbc) {

        long workspace(String slug) {
            long ws = jdbc.queryOne("INSERT INTO workspace (slug, name) VALUES (?, ?) RETURNING id",
                    rs -> rs.getLong(1), slug, slug).orElseThrow();
            jdbc.update("INSERT INTO prompt (workspace_id, text, text_hash) VALUES (?, 'q', 'h')", ws);
            return ws;
        }

        long run(long ws, String status, int cells) {
            return jdbc.queryOne("""
                    INSERT INTO run (workspace_id, run_date, trigger, status, providers, samples, cells_total)
                    VALUES (?, current_date, 'api', ?, '{p}', ?, ?) RETURNING id""", rs -> rs.getLong(1), ws, status,
                    cells, cells).orElseThrow();
        }

        long[] cells(long run, int n, String status) {
            return jdbc.query("""
                    INSERT INTO cell (run_id, prompt_id, provider, sample, status, attempts)
                    SELECT r.id, p.id, 'p', s, ?, CASE WHEN ? = 'pending' THEN 0 ELSE 1 END
                      FROM run r JOIN prompt p ON p.workspace_id = r.workspace_id, generate_series(1, ?) s
                     WHERE r.id = ? ORDER BY s RETURNING id""", rs -> rs.getLong(1), status, status, n, run)
                    .stream().mapToLong(Long::longValue).toArray();
        }

        void response(long cell, int attempt) {
            jdbc.update("""
                    INSERT INTO response (cell_id, provider, kind, http_status, answer_text, attempt)
                    VALUES (?, 'p', 'openai-chat', 200, 'an answer', ?)""", cell, attempt);
        }
    }
}
