package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.simulator.Simulator;
import dev.sightline.testing.TestApp;

/** The whole pipeline over HTTP: trigger, poll, then check every cell, every stored response, every call. */
class PipelineEndToEndTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start("e2e", Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aRunCallsEachCellOnceAndStoresExactlyOneResponsePerCell() {
        Simulator sim = app.app().bean(dev.sightline.simulator.Simulator.class);
        sim.reset();
        var created = app.post("/api/runs", "{}");
        assertThat(created.status()).isEqualTo(202);
        JsonNode body = created.json();
        long id = body.get("id").asLong();
        int total = body.get("cellsTotal").asInt();
        assertThat(body.get("status").asText()).isEqualTo("running");
        assertThat(total).isEqualTo(28 * 4); // 28 demo prompts x 4 providers x 1 sample
        assertThat(body.get("estimatedCostUsd").asDouble()).isPositive();
        assertThat(created.header("Location")).isEqualTo("/api/runs/" + id);

        JsonNode run = app.awaitRun(id, Duration.ofSeconds(60));

        assertThat(run.get("status").asText()).isEqualTo("completed");
        JsonNode counts = run.get("counts");
        assertThat(counts.get("succeeded").asInt()).isEqualTo(total);
        int sum = 0;
        for (String s : new String[] {"pending", "leased", "succeeded", "failed", "cancelled"}) {
            sum += counts.get(s).asInt();
        }
        assertThat(sum).isEqualTo(total);
        assertThat(run.get("progressPercent").asDouble()).isEqualTo(100.0);
        assertThat(run.get("tokensIn").asLong()).isPositive();
        assertThat(run.get("tokensOut").asLong()).isPositive();
        assertThat(run.get("costUsd").asDouble()).isPositive();
        // the run's life as events, each written with the change it announces: created, every cell once, completed
        assertThat(app.count("SELECT count(*) FROM event WHERE run_id = ? AND type = 'run.created'", id)).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM event WHERE run_id = ? AND type = 'run.completed'"
                + " AND payload->>'status' = 'completed'", id)).isEqualTo(1);
        assertThat(app.count("""
                SELECT count(DISTINCT (x->>'cellId')::bigint) FROM event e, jsonb_array_elements(e.payload->'cells') x
                 WHERE e.run_id = ? AND e.type = 'cell.finished' AND x->>'status' = 'succeeded'
                   AND x->>'brandVisible' IS NOT NULL""", id)).isEqualTo(total);
        assertThat(app.count("""
                SELECT count(*) FROM event e, jsonb_array_elements(e.payload->'cells') x
                 WHERE e.run_id = ? AND e.type = 'cell.finished'""", id)).isEqualTo(total);

        assertThat(app.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", id))
                .isEqualTo(total);
        assertThat(app.count("SELECT count(DISTINCT s.cell_id) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", id))
                .isEqualTo(total);
        assertThat(app.count("SELECT count(*) FROM analysis a JOIN response s ON s.id = a.response_id JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ? AND a.error IS NULL", id))
                .isEqualTo(total);
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND attempts <> 1", id)).isZero();

        JsonNode simulator = app.get("/api/simulator").json().get("providers");
        long served = 0;
        for (var it = simulator.fields(); it.hasNext(); ) {
            served += it.next().getValue().get("served").asLong();
        }
        assertThat(served).isEqualTo(total);
        assertThat(sim.requestsPerCell()).hasSize(total).allSatisfy((cell, n) -> assertThat(n).isEqualTo(1));
    }

    /** The app's SEDA queues wake their consumers to stop, and the component keeps its settings from the properties. */
    @Test
    void theQueuesAreTheWakingComponentsWithTheApplicationsSettings() {
        CamelContext ctx = app.app().context();
        assertThat(ctx.getComponent("seda")).isInstanceOf(dev.sightline.config.WakingSedaComponent.class);
        var seda = (org.apache.camel.component.seda.SedaComponent) ctx.getComponent("seda");
        assertThat(seda.isDefaultBlockWhenFull()).as("camel.component.seda.default-block-when-full").isTrue();
        var cells = (org.apache.camel.component.seda.SedaEndpoint) ctx.getRoute("provider-openai").getEndpoint();
        assertThat(cells.getPollTimeout()).isEqualTo(1000);
        assertThat(cells.getQueue().getClass().getSimpleName()).isEqualTo("WakeableQueue");
    }

    @Test
    void cellsCanBeFollowedIncrementally() {
        long id = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
        app.awaitRun(id, Duration.ofSeconds(30));
        JsonNode page1 = app.get("/api/runs/" + id + "/cells?limit=2").json();
        assertThat(page1.get("cells")).hasSize(2);
        long after = page1.get("nextAfter").asLong();
        JsonNode page2 = app.get("/api/runs/" + id + "/cells?limit=100&after=" + after).json();
        assertThat(page2.get("cells").size() + 2).isEqualTo(
                (int) app.count("SELECT count(*) FROM cell WHERE run_id = ?", id));
        assertThat(page2.get("nextAfter").isNull()).isTrue();
        String since = page1.get("serverTime").asText();
        JsonNode none = app.get("/api/runs/" + id + "/cells?updatedSince=" + since).json();
        assertThat(none.get("cells")).isEmpty();
        JsonNode succeeded = app.get("/api/runs/" + id + "/cells?status=succeeded").json();
        assertThat(succeeded.get("cells")).allSatisfy(c -> {
            assertThat(c.get("status").asText()).isEqualTo("succeeded");
            assertThat(c.get("responseId").isNumber()).isTrue();
        });
    }

    /**
     * Each cell's exchange is a copy of a copy of the exchanges of the cells its consumer finished before it (the
     * wireTap that claims the next cell, the split that hands it out): it must start clean, or every generation's
     * properties (the route policies' timers of exchanges long done among them) ride along and are copied again at
     * every hand-off. 28 cells on 5 consumers are chains of about 6 generations: without HandOff the last cells carried
     * 12 properties.
     */
    @Test
    void aCellsExchangeCarriesNothingOfTheCellsBeforeIt() {
        AtomicInteger most = new AtomicInteger();
        AtomicInteger seen = new AtomicInteger();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSendingEvent e
                        && e.getEndpoint().getEndpointUri().startsWith("seda://cells-")) {
                    seen.incrementAndGet();
                    most.accumulateAndGet(e.getExchange().getProperties().size(), Math::max);
                }
            }
        };
        CamelContext ctx = app.app().context();
        ctx.getManagementStrategy().addEventNotifier(notifier);
        try {
            long id = app.startRun("{\"providers\":[\"openai\"]}");
            assertThat(app.awaitRun(id, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("completed");
        } finally {
            ctx.getManagementStrategy().removeEventNotifier(notifier);
        }
        assertThat(seen.get()).isGreaterThanOrEqualTo(28);
        assertThat(most.get()).as("properties of a cell's exchange as it is handed to its provider").isLessThanOrEqualTo(3);
    }
}
