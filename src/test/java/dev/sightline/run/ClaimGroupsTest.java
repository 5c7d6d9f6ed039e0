package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.TestPostgres;

/**
 * A provider's cells are claimed in groups (sightline.dispatch.claim-batch): a finished call frees a place, and the
 * lane claims again only once a group's worth of places is free, never waiting past the places claimed ahead, so
 * its consumers always have cells. One claim statement serves several finished calls instead of one each.
 */
class ClaimGroupsTest {

    static Database db;
    static CellRepository cells;
    static final CamelContext CAMEL = new DefaultCamelContext();

    @BeforeAll
    static void cells() {
        db = Database.open(new Database.Settings(TestPostgres.newDatabase("claim_groups"), "postgres", "", 4,
                Path.of("unused"), 0, Duration.ofSeconds(5)));
        Jdbc jdbc = new Jdbc(db.dataSource());
        long ws = jdbc.queryOne("INSERT INTO workspace (slug, name) VALUES ('groups', 'groups') RETURNING id",
                rs -> rs.getLong(1)).orElseThrow();
        long prompt = jdbc.queryOne("INSERT INTO prompt (workspace_id, text, text_hash) VALUES (?, 'q', 'h') RETURNING id",
                rs -> rs.getLong(1), ws).orElseThrow();
        long run = jdbc.queryOne("""
                INSERT INTO run (workspace_id, run_date, trigger, providers, samples, cells_total)
                VALUES (?, current_date, 'api', '{five,one,capped}', 30, 90) RETURNING id""", rs -> rs.getLong(1), ws)
                .orElseThrow();
        jdbc.update("""
                INSERT INTO cell (run_id, prompt_id, provider, sample)
                SELECT ?, ?, p, s FROM unnest('{five,one,capped}'::text[]) p, generate_series(1, 30) s""", run,
                prompt);
        cells = new CellRepository(jdbc);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void aLaneClaimsAgainOnceAGroupOfItsPlacesIsFree() {
        Dispatcher d = new Dispatcher(cells, "node-a", Duration.ofSeconds(60));
        d.addLane("five", 5, 1, 5);
        List<CellClaim> held = d.claim("five");
        assertThat(held).as("5 consumers and one cell ahead of each").hasSize(10);
        for (int i = 0; i < 4; i++) {
            finish(d, held.get(i));
            assertThat(d.claim("five")).as("after %d finished calls, 20 cells due", i + 1).isEmpty();
        }
        finish(d, held.get(4));
        assertThat(d.claim("five")).as("a group of 5 places free").hasSize(5);
    }

    @Test
    void withoutCellsAheadEveryFreePlaceIsClaimedAtOnce() {
        Dispatcher d = new Dispatcher(cells, "node-b", Duration.ofSeconds(60));
        d.addLane("one", 3, 0, 5);
        List<CellClaim> held = d.claim("one");
        assertThat(held).hasSize(3);
        finish(d, held.get(0));
        assertThat(d.claim("one")).as("an idle consumer is never kept waiting for a group").hasSize(1);
    }

    @Test
    void aGroupIsNeverLargerThanThePlacesAhead() {
        Dispatcher d = new Dispatcher(cells, "node-c", Duration.ofSeconds(60));
        d.addLane("capped", 2, 1, 50);
        List<CellClaim> held = d.claim("capped");
        assertThat(held).hasSize(4);
        finish(d, held.get(0));
        assertThat(d.claim("capped")).isEmpty();
        finish(d, held.get(1));
        assertThat(d.claim("capped")).as("both places ahead free: the group of 50 is capped at 2").hasSize(2);
    }

    private static void finish(Dispatcher d, CellClaim claim) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.setProperty(Pipeline.CLAIM, claim);
        d.finished(exchange);
    }
}
