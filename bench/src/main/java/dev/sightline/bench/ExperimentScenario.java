package dev.sightline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.SightlineApp;
import dev.sightline.provider.Provider;
import dev.sightline.run.Run;
import dev.sightline.simulator.FaultProfile;
import dev.sightline.simulator.Simulator;
import dev.sightline.store.Jdbc;

/**
 * The efficiency measurement as an experiment: 4 models (the four providers) x 250 dataset rows, graded by rules, at
 * a fixed 400 ms per call and 5 consumers per provider, so the ideal makespan is the sweep's, ceil(250/5) x 0.4 s.
 * The rows are the measured sweep's questions (one column, {{question}}). As for the sweep, the first experiment
 * after start is reported (cold), then the JIT is warmed with experiments on other rows, and the measured one runs.
 */
final class ExperimentScenario {

    private static final String GRADERS = "[{\"type\": \"contains\", \"value\": \"CRM\"}, {\"type\": \"mentions-brand\"}]";

    private final Scenario base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ExperimentScenario(Scenario base) {
        this.base = base;
    }

    Map<String, Object> run() throws Exception {
        Path tmp = Files.createTempDirectory(Path.of("bench", "work").toAbsolutePath(), "experiment-");
        Path pgDir = tmp.resolve("postgres");
        Map<String, Object> r = new LinkedHashMap<>();
        int rows = 250;
        r.put("scenario", "experiment");
        r.put("cells", rows * Scenario.ALL_PROVIDERS.size());
        r.put("prompts", rows);
        r.put("samples", 1);
        r.put("providers", Scenario.ALL_PROVIDERS);
        r.put("consumersPerProvider", 5);
        r.put("simulatorLatency", "400ms");
        SightlineApp app = null;
        try {
            Path ws = Workloads.workspace(tmp, rows, rows);
            base.port = Scenario.freePort();
            app = new SightlineApp(base.overrides(ws, pgDir));
            app.start();
            Simulator sim = app.bean(Simulator.class);
            List<String> texts = Workloads.promptTexts(2 * rows);
            long version = id(post("/api/prompts", "{\"name\": \"bench\", \"type\": \"generator\"}"));
            version = id(post("/api/prompts/" + version + "/versions", "{\"body\": \"{{question}}\"}"));
            long measuredRows = dataset("measured", texts.subList(0, rows));
            long warmupRows = dataset("warmup", texts.subList(rows, 2 * rows));
            String measured = body(version, measuredRows);
            String warmup = body(version, warmupRows);

            long c0 = System.nanoTime();
            await(app, start(measured), Duration.ofMinutes(10));
            r.put("coldMakespanSeconds", Scenario.secs(System.nanoTime() - c0));
            Map<String, FaultProfile> profiles = new LinkedHashMap<>();
            for (Provider p : app.bean(dev.sightline.provider.ProviderRegistry.class).enabled()) {
                String kind = p.settings().kind();
                profiles.put(kind, sim.faults(kind));
                sim.setFaults(kind, sim.faults(kind).withLatency(Duration.ZERO, Duration.ZERO));
            }
            long w0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                await(app, start(warmup), Duration.ofMinutes(10));
            }
            profiles.forEach(sim::setFaults);
            await(app, start(warmup), Duration.ofMinutes(10));
            r.put("warmupSeconds", Scenario.secs(System.nanoTime() - w0));
            sim.reset();
            System.gc();

            Scenario.Cpu before = Scenario.Cpu.sample(pgDir);
            long t0 = System.nanoTime();
            JsonNode experiment = start(measured);
            long triggered = System.nanoTime();
            Run done = await(app, experiment, Duration.ofMinutes(30));
            double makespan = Scenario.secs(System.nanoTime() - t0);
            Scenario.Cpu used = Scenario.Cpu.sample(pgDir).minus(before);
            r.put("appCpuMsPerCell", used.process() * 1000 / (rows * 4));
            r.put("appCpuMsPerCellWithoutSimulator", (used.process() - used.simulator()) * 1000 / (rows * 4));
            r.put("postgresCpuMsPerCell", used.postgres() * 1000 / (rows * 4));
            r.put("experimentId", experiment.get("id").asLong());
            r.put("runStatus", done.status());
            r.put("triggerSeconds", Scenario.secs(triggered - t0));
            r.put("makespanSeconds", makespan);
            r.put("cellsPerSecond", rows * 4 / makespan);
            r.put("checks", checks(app, experiment, sim, rows * 4));
            r.put("timeline", Scenario.timeline(app, experiment.get("runId").asLong()));
            return r;
        } finally {
            if (app != null) {
                app.stop();
            }
            Workloads.deleteTree(tmp);
        }
    }

    private static String body(long version, long dataset) {
        return "{\"promptVersionId\": " + version + ", \"datasetId\": " + dataset + ", \"models\": [\"openai\", "
                + "\"anthropic\", \"gemini\", \"perplexity\"], \"graders\": " + GRADERS + "}";
    }

    private long dataset(String name, List<String> questions) throws IOException, InterruptedException {
        StringBuilder csv = new StringBuilder("question\r\n");
        questions.forEach(q -> csv.append('"').append(q.replace("\"", "\"\"")).append("\"\r\n"));
        HttpResponse<String> resp = http.send(request("/api/datasets?name=" + name).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString())).build(), HttpResponse.BodyHandlers.ofString());
        return id(check(resp, 201));
    }

    private JsonNode start(String body) throws IOException, InterruptedException {
        return check(http.send(request("/api/experiments").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()), 202);
    }

    private JsonNode post(String path, String body) throws IOException, InterruptedException {
        return check(http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()), 201);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base.port + path))
                .header("Authorization", "Bearer " + Scenario.TOKEN).timeout(Duration.ofMinutes(5));
    }

    private static JsonNode check(HttpResponse<String> resp, int status) throws IOException {
        if (resp.statusCode() != status) {
            throw new IllegalStateException(resp.request().uri() + " answered " + resp.statusCode() + ": "
                    + resp.body());
        }
        return Scenario.JSON.readTree(resp.body());
    }

    private static long id(JsonNode n) {
        return n.get("id").asLong();
    }

    private static Run await(SightlineApp app, JsonNode experiment, Duration timeout) throws InterruptedException {
        return Scenario.await(app, experiment.get("runId").asLong(), timeout);
    }

    /** Every cell succeeded after exactly one call, and every answer was analysed and got both rule grades. */
    private static Map<String, Object> checks(SightlineApp app, JsonNode experiment, Simulator sim, int cells) {
        Jdbc jdbc = app.bean(Jdbc.class);
        long runId = experiment.get("runId").asLong();
        Map<String, Object> c = new LinkedHashMap<>();
        long succeeded = count(jdbc, "SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId);
        long once = count(jdbc, "SELECT count(*) FROM cell WHERE run_id = ? AND attempts = 1", runId);
        long analysed = count(jdbc, "SELECT count(*) FROM analysis a JOIN response s ON s.id = a.response_id "
                + "JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ? AND a.error IS NULL", runId);
        long graded = count(jdbc, "SELECT count(*) FROM grade g JOIN cell c ON c.id = g.cell_id WHERE c.run_id = ?",
                runId);
        List<Long> served = new ArrayList<>();
        for (Provider p : app.bean(dev.sightline.provider.ProviderRegistry.class).enabled()) {
            served.add(sim.served(p.settings().kind()));
        }
        long total = served.stream().mapToLong(Long::longValue).sum();
        c.put("succeeded", succeeded);
        c.put("calledOnce", once);
        c.put("analysed", analysed);
        c.put("grades", graded);
        c.put("simulatorServed", total);
        c.put("ok", succeeded == cells && once == cells && analysed == cells && graded == 2L * cells
                && total == cells);
        return c;
    }

    private static long count(Jdbc jdbc, String sql, long runId) {
        return jdbc.queryOne(sql, rs -> rs.getLong(1), runId).orElse(0L);
    }
}
