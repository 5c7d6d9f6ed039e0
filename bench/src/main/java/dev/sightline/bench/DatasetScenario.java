package dev.sightline.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.SightlineApp;

/**
 * Dataset import: 100,000 rows of five columns, about 50 MB as CSV, uploaded with {@code POST /api/datasets} from a
 * file (the client streams it) to the app in this JVM; then the same rows as a JSON array. Measured: wall time from
 * the request to the 201 (read, checked, spooled, inserted in one transaction), and the heap the app used meanwhile
 * above what it used before (sampled every 5 ms), which shows the upload was never held whole.
 */
final class DatasetScenario {

    static final int ROWS = 100_000;
    private static final com.fasterxml.jackson.databind.ObjectMapper COMPACT =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final Scenario base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    DatasetScenario(Scenario base) {
        this.base = base;
    }

    Map<String, Object> run() throws Exception {
        Path tmp = Files.createTempDirectory(Path.of("bench", "work").toAbsolutePath(), "dataset-");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", "dataset");
        r.put("rows", ROWS);
        SightlineApp app = null;
        try {
            Path csv = tmp.resolve("rows.csv");
            Path json = tmp.resolve("rows.json");
            write(csv, json, ROWS);
            Path small = tmp.resolve("small.csv");
            Path smallJson = tmp.resolve("small.json");
            write(small, smallJson, 20_000);
            base.port = Scenario.freePort();
            app = new SightlineApp(base.overrides(Workloads.workspace(tmp, 28, 0), tmp.resolve("postgres")));
            app.start();
            // what the first uploads after start spend loading classes and compiling is not the import's cost
            upload(small, "text/csv");
            upload(smallJson, "application/json");
            r.put("csv", measure(csv, "text/csv"));
            r.put("json", measure(json, "application/json"));
            long stored = app.bean(dev.sightline.store.Jdbc.class).queryOne("SELECT count(*) FROM dataset_row",
                    rs -> rs.getLong(1)).orElse(0L);
            Map<String, Object> checks = new LinkedHashMap<>();
            checks.put("rowsStored", stored);
            checks.put("ok", stored == 2L * ROWS + 2 * 20_000);
            r.put("checks", checks);
            return r;
        } finally {
            if (app != null) {
                app.stop();
            }
            Workloads.deleteTree(tmp);
        }
    }

    private Map<String, Object> measure(Path file, String contentType) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(before);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.start();
        long t0 = System.nanoTime();
        JsonNode d = upload(file, contentType);
        double seconds = Scenario.secs(System.nanoTime() - t0);
        running.set(false);
        sampler.join();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", Files.size(file));
        m.put("rows", d.get("rows").asInt());
        m.put("seconds", seconds);
        m.put("rowsPerSecond", Math.round(ROWS / seconds));
        m.put("megabytesPerSecond", Math.round(Files.size(file) / 1e6 / seconds * 10) / 10.0);
        m.put("heapBeforeMb", Math.round(before / 1e6));
        m.put("heapPeakAboveBeforeMb", Math.round((peak.get() - before) / 1e6));
        m.put("maxHeapMb", Math.round(memory.getHeapMemoryUsage().getMax() / 1e6));
        return m;
    }

    private JsonNode upload(Path file, String contentType) throws IOException, InterruptedException {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base.port
                        + "/api/datasets?name=" + file.getFileName())).header("Authorization", "Bearer " + Scenario.TOKEN)
                .header("Content-Type", contentType).timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 201) {
            throw new IllegalStateException("POST /api/datasets answered " + resp.statusCode() + ": " + resp.body());
        }
        return Scenario.JSON.readTree(resp.body());
    }

    /** The same rows as CSV and as a JSON array: an id, a persona, a team, a need and a long free-text note. */
    private static void write(Path csv, Path json, int rows) throws IOException {
        String[] personas = {"founder", "sales manager", "agency owner", "consultant", "operations lead"};
        String note = "Looking for something that imports our contacts, syncs with Gmail, has a mobile app, "
                + "a sane pricing page, a real API, forecasting, call logging, and support that answers; "
                + "we tried two tools before and left both, one for \"price\", one for its clunky pipeline view. "
                + "The team works across three time zones, so shared inboxes and reminders matter more than dashboards, "
                + "and nobody wants to learn another tool. ";
        try (BufferedWriter c = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
             BufferedWriter j = Files.newBufferedWriter(json, StandardCharsets.UTF_8)) {
            c.write("id,persona,team,need,note\r\n");
            j.write("[\n");
            for (int i = 0; i < rows; i++) {
                String persona = personas[i % personas.length];
                String team = "a team of " + (2 + i % 200) + " people";
                String need = "a CRM for case " + i + ", with reporting";
                String text = note + "Row " + i + '.';
                c.write(i + "," + persona + "," + team + ",\"" + need + "\",\"" + text.replace("\"", "\"\"") + "\"\r\n");
                j.write((i == 0 ? "" : ",\n") + COMPACT.writeValueAsString(Map.of("id", i, "persona", persona,
                        "team", team, "need", need, "note", text)));
            }
            j.write("\n]\n");
        }
    }
}
