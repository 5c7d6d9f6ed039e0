package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.store.AnswerColumns;
import dev.sightline.testing.TestApp;

/**
 * Group commit of successful answers: many consumer threads storing at once get their own outcome each, answers
 * whose lease is stale are refused without touching the rest of their group, and a node holding a stale and a
 * current claim of one cell stores only the current one.
 */
class GroupStoreTest {

    static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        // answers stored here skip the analysis hand-off; a short lease lets the orphaned-analysis takeover finish the runs
        app = TestApp.start("groupstore", Map.of("sightline.dispatch.poll-interval", "1h", "sightline.lease.duration", "2s"));
        // the tests claim cells themselves: the timer's first dispatch (late on a busy machine) must not take any
        app.app().context().getRouteController().stopRoute("dispatch-timer");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static StoredAnswer answer(String text) {
        return new StoredAnswer("openai", "openai-chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 200,
                "{\"text\":\"" + text + "\"}", text, "[{\"url\":\"https://example.com/\"}]", 12, 34, 0,
                new BigDecimal("0.00012345"), 7, "req-" + text, "stop");
    }

    /** The stored answers (text and citations, as the app reads them back) of the responses {@code s} matching. */
    private static List<AnswerColumns.Answer> answers(String where, Object... args) {
        return app.app().bean(dev.sightline.store.Jdbc.class).query("SELECT " + AnswerColumns.SELECT
                + " FROM response s WHERE " + where + " ORDER BY s.id", AnswerColumns::read, args);
    }

    @Test
    void concurrentStoresEachGetTheirOwnOutcomeAndStaleLeasesAreRefused() throws Exception {
        CellRepository cells = new CellRepository(app.app().bean(dev.sightline.store.Jdbc.class));
        GroupStore stores = new GroupStore(cells);
        long runId = app.planWithoutDispatch(List.of("openai"), List.of());
        // every cell of the run, so that the dispatch timer finds none to call meanwhile
        List<CellClaim> claims = cells.claim("openai", 1000, "this-node", Duration.ofMinutes(5), new long[0]);
        assertThat((long) claims.size()).isEqualTo(app.count("SELECT count(*) FROM cell WHERE run_id = ?", runId))
                .isGreaterThanOrEqualTo(20);
        // a claim of the first cell with a token that is not (or no longer) the cell's lease
        CellClaim c0 = claims.get(0);
        CellClaim stale = new CellClaim(c0.cellId(), c0.runId(), c0.workspaceId(), c0.promptId(), c0.promptText(),
                c0.provider(), c0.sample(), c0.attempts(), UUID.randomUUID());
        List<CellClaim> all = new ArrayList<>(claims);
        all.add(stale);

        ExecutorService pool = Executors.newFixedThreadPool(all.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<Long>>> results = new ArrayList<>();
        for (CellClaim c : all) {
            results.add(pool.submit(() -> {
                go.await();
                return stores.store(c, answer(c == stale ? "stale" : "cell-" + c.cellId()));
            }));
        }
        go.countDown();
        List<Optional<Long>> outcomes = new ArrayList<>();
        for (Future<Optional<Long>> f : results) {
            outcomes.add(f.get());
        }
        pool.shutdown();

        assertThat(outcomes.get(outcomes.size() - 1)).as("stale lease").isEmpty();
        assertThat(outcomes.subList(0, claims.size())).allSatisfy(o -> assertThat(o).isPresent());
        assertThat(outcomes.subList(0, claims.size()).stream().map(Optional::get).distinct()).hasSize(claims.size());
        for (int i = 0; i < claims.size(); i++) {
            long cellId = claims.get(i).cellId();
            long responseId = outcomes.get(i).orElseThrow();
            // each waiter got the id of its own cell's response, with its own columns
            assertThat(app.count("SELECT cell_id FROM response WHERE id = ?", responseId)).isEqualTo(cellId);
            assertThat(app.count("""
                    SELECT count(*) FROM response WHERE id = ? AND tokens_out = 34 AND cost_usd = 0.00012345
                       AND provider_request_id = ? AND attempt = 1""", responseId, "req-cell-" + cellId))
                    .isEqualTo(1);
            assertThat(answers("s.id = ?", responseId)).containsExactly(
                    new AnswerColumns.Answer("cell-" + cellId, "[{\"url\":\"https://example.com/\"}]"));
        }
        assertThat(app.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", runId))
                .isEqualTo(claims.size());
        assertThat(answers("true")).extracting(AnswerColumns.Answer::text).doesNotContain("stale");
        // the citation's URL is stored once, in cited_url, and named by its id (V29)
        assertThat(app.count("""
                SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id
                  JOIN cited_url k ON k.id = s.citation_urls[1]
                 WHERE c.run_id = ? AND cardinality(s.citation_urls) = 1 AND k.url = 'https://example.com/'""",
                runId))
                .isEqualTo(claims.size());
        assertThat(app.count("SELECT count(*) FROM analysis_queue WHERE run_id = ?", runId)).isEqualTo(claims.size());
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId))
                .isEqualTo(claims.size());
        app.dispatchNow();
        assertThat(app.awaitRun(runId, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void aStaleAndACurrentClaimOfOneCellInOneGroupStoreOnlyTheCurrent() {
        CellRepository cells = new CellRepository(app.app().bean(dev.sightline.store.Jdbc.class));
        long runId = app.planWithoutDispatch(List.of("gemini"), List.of("topic:pricing"));
        CellClaim current = cells.claim("gemini", 1, "this-node", Duration.ofMinutes(5), new long[0]).get(0);
        CellClaim stale = new CellClaim(current.cellId(), current.runId(), current.workspaceId(), current.promptId(),
                current.promptText(), current.provider(), current.sample(), current.attempts() - 1, UUID.randomUUID());
        Map<UUID, Long> stored = cells.storeSucceeded(List.of(Map.entry(stale, answer("stale")),
                Map.entry(current, answer("current"))));
        assertThat(stored).containsOnlyKeys(current.leaseToken());
        assertThat(answers("s.cell_id = ?", current.cellId())).extracting(AnswerColumns.Answer::text)
                .containsExactly("current");
        assertThat(app.count("SELECT count(*) FROM response WHERE cell_id = ?", current.cellId())).isEqualTo(1);
        app.dispatchNow();
        assertThat(app.awaitRun(runId, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("completed");
    }
}
