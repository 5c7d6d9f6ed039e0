package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.sightline.run.CellClaim;
import dev.sightline.run.CellRepository;
import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.TestPostgres;

/**
 * The claim statement under contention, without the noise of whole nodes: eight claimers start each round at the same
 * instant (a barrier) on the same pending cells. No cell may be leased twice. {@link MultiNodeTest} shows the same
 * across processes; this one makes the collisions certain rather than likely.
 */
class ClaimRaceTest {

    @Test
    void simultaneousClaimsNeverLeaseACellTwice() throws Exception {
        int claimers = 8;
        int cells = 600;
        try (Database db = Database.open(new Database.Settings(TestPostgres.newDatabase("claim_race"), "postgres", "",
                claimers + 2, Path.of("unused"), 0, Duration.ofSeconds(5)))) {
            Jdbc jdbc = new Jdbc(db.dataSource());
            long ws = jdbc.queryOne("INSERT INTO workspace (slug, name) VALUES ('race', 'race') RETURNING id",
                    rs -> rs.getLong(1)).orElseThrow();
            long prompt = jdbc.queryOne("INSERT INTO prompt (workspace_id, text, text_hash) VALUES (?, 'q', 'h') RETURNING id",
                    rs -> rs.getLong(1), ws).orElseThrow();
            long run = jdbc.queryOne("""
                    INSERT INTO run (workspace_id, run_date, trigger, providers, samples, cells_total)
                    VALUES (?, current_date, 'api', '{p}', ?, ?) RETURNING id""", rs -> rs.getLong(1), ws, cells, cells)
                    .orElseThrow();
            jdbc.update("""
                    INSERT INTO cell (run_id, prompt_id, provider, sample)
                    SELECT ?, ?, 'p', s FROM generate_series(1, ?) s""", run, prompt, cells);

            CellRepository repo = new CellRepository(jdbc);
            CyclicBarrier barrier = new CyclicBarrier(claimers);
            ConcurrentLinkedQueue<CellClaim> claims = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(claimers);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < claimers; i++) {
                String node = "claimer-" + i;
                done.add(pool.submit(() -> {
                    // every claimer goes round until every cell is claimed, all rounds in lock step
                    for (int round = 0; round < cells; round++) {
                        barrier.await(30, TimeUnit.SECONDS);
                        List<CellClaim> got = repo.claim("p", 3, node, Duration.ofSeconds(60), new long[0]);
                        claims.addAll(got);
                        barrier.await(30, TimeUnit.SECONDS);
                        if (claims.size() >= cells) {
                            break;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();

            Map<Long, Integer> leasesPerCell = new HashMap<>();
            claims.forEach(c -> leasesPerCell.merge(c.cellId(), 1, Integer::sum));
            assertThat(leasesPerCell.entrySet().stream().filter(e -> e.getValue() > 1).toList())
                    .as("cells leased more than once").isEmpty();
            assertThat(leasesPerCell).hasSize(cells);
            assertThat(jdbc.queryOne("SELECT count(*) FROM cell WHERE status = 'leased' AND attempts = 1",
                    rs -> rs.getLong(1)).orElseThrow()).isEqualTo(cells);
        }
    }
}
