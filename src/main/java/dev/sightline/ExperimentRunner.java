package dev.sightline;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.experiment.Datasets;
import dev.sightline.experiment.Experiment;
import dev.sightline.experiment.ExperimentFile;
import dev.sightline.experiment.ExperimentQueries;
import dev.sightline.experiment.Experiments;
import dev.sightline.experiment.PromptRepository;
import dev.sightline.run.Run;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.Workspace;

/**
 * {@code --experiment experiments/<file>.yaml}: the file's prompt (a new version only when its text changed), its
 * dataset (imported once per content), the experiment through the same pipeline as the service, progress while it
 * runs, then the grid's summary per model. Exit 0 when every graded answer passed, 3 when an answer failed a grader
 * or could not be graded or a call failed, 4 when interrupted (the experiment is cancelled), 5 when paused by the
 * daily budget, 2 for a bad file.
 */
final class ExperimentRunner {

    private final SightlineApp app;
    private final PrintStream out;
    private volatile boolean interrupted;
    /** Set once the experiment's run is being followed: an interrupt wakes the follower. */
    private volatile RunRepository runs;

    ExperimentRunner(SightlineApp app, PrintStream out) {
        this.app = app;
        this.out = out;
    }

    void interrupt() {
        interrupted = true;
        RunRepository following = runs;
        if (following != null) {
            following.wakeFollowers();
        }
    }

    int run(ExperimentFile file, boolean waitForBudget) throws Exception {
        Workspace ws = app.bean(ImportedWorkspaces.class).defaultWorkspace();
        Experiments experiments = app.bean(Experiments.class);
        Experiment e;
        try {
            e = experiments.create(ws.id(), request(file, ws), "cli");
        } catch (Rejection r) {
            // the file's prompt, dataset or experiment refused: the message names the field
            out.println("sightline: " + file.path() + ": " + (r.field() == null ? "" : r.field() + ": ")
                    + r.getMessage());
            return Sightline.BAD_CONFIGURATION;
        }
        app.context().createFluentProducerTemplate().to("direct:dispatch").send();
        out.printf("Experiment %d '%s' for workspace '%s': %d cells (%d models x %d rows x %d sample%s), "
                        + "estimated cost $%s%n", e.id(), file.name(), ws.slug(), e.cellsTotal(), e.models().size(),
                e.rows(), e.samples(), e.samples() == 1 ? "" : "s", OnceRunner.money(e.estimatedCostUsd()));
        long start = System.nanoTime();
        Experiment started = e;
        runs = app.bean(RunRepository.class);
        RunProgress p = RunFollower.follow(app, ws, e.runId(), out, "Experiment " + e.id(), "calls", () -> interrupted,
                () -> experiments.cancel(started), waitForBudget);
        if (p == null) {
            return Sightline.PAUSED_BUDGET;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        int exit = summary(e, p.run(), took);
        new OneOffWebhooks(app).send(out, e.runId(), () -> interrupted);
        new OneOffUpkeep(app).run(() -> interrupted);
        return exit;
    }

    /** The request body: the file's fields with the ids of its prompt versions and dataset. */
    private ObjectNode request(ExperimentFile file, Workspace ws)
            throws IOException, java.security.GeneralSecurityException {
        PromptRepository prompts = app.bean(PromptRepository.class);
        ObjectNode body = file.request().deepCopy();
        body.put("promptVersionId", version(prompts, ws, file.name(), PromptRepository.GENERATOR, file.prompt()));
        if (file.graderPrompt() != null) {
            body.put("graderPromptVersionId", version(prompts, ws, file.name() + "-grader", PromptRepository.GRADER,
                    file.graderPrompt()));
        }
        if (file.dataset() != null) {
            Datasets datasets = app.bean(Datasets.class);
            String name = file.dataset().getFileName().toString();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file.dataset()), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String checksum = HexFormat.of().formatHex(sha.digest());
            Datasets.Dataset d = datasets.findSame(ws.id(), name, checksum).orElse(null);
            if (d == null) {
                try (InputStream in = Files.newInputStream(file.dataset())) {
                    d = datasets.importFrom(ws.id(), name, file.datasetFormat(), in);
                }
                out.printf("Dataset %d '%s' imported: %d rows, columns %s%n", d.id(), name, d.rows(), d.columns());
            }
            body.put("datasetId", d.id());
        }
        return body;
    }

    private static long version(PromptRepository prompts, Workspace ws, String name, String type, String text) {
        PromptRepository.Prompt p = prompts.list(ws.id()).stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseGet(() -> prompts.create(ws.id(), name, type));
        if (!p.type().equals(type)) {
            throw Rejection.invalid("name", "prompt '" + name + "' exists as a " + p.type() + " prompt");
        }
        return prompts.addVersion(ws.id(), p.id(), text).version().id();
    }

    private int summary(Experiment e, Run run, Duration took) {
        ExperimentQueries queries = app.bean(ExperimentQueries.class);
        List<ExperimentQueries.ModelSummary> models = queries.summary(e);
        out.printf("%nExperiment %d %s in %s%n%n", e.id(), run.status().replace('_', ' '),
                OnceRunner.formatDuration(took));
        String fmt = "%-26s %6s %8s %7s %9s %13s %7s %10s %9s %9s%n";
        out.printf(fmt, "model", "cells", "answers", "passed", "pass rate", "95% interval", "errors", "cost USD",
                "p50 ms", "p95 ms");
        int failing = 0;
        for (ExperimentQueries.ModelSummary s : models) {
            var r = s.passRate();
            BigDecimal cost = s.costUsd().add(s.graderCostUsd());
            out.printf(fmt, e.models().get(s.modelIndex()).label(), s.cells(), s.succeeded(),
                    s.pass() + "/" + r.n(), r.rate() == null ? "-" : String.format("%.1f%%", 100 * r.rate()),
                    r.low() == null ? "-" : String.format("%.0f-%.0f%%", 100 * r.low(), 100 * r.high()), s.errors(),
                    OnceRunner.money(cost), s.latencyP50Ms() == null ? "-" : String.format("%.0f", s.latencyP50Ms()),
                    s.latencyP95Ms() == null ? "-" : String.format("%.0f", s.latencyP95Ms()));
            failing += s.fail() + s.errors() + s.failed() + s.pending();
        }
        if (failing > 0) {
            out.printf("%nNot passed (first 10):%n");
            queries.export(e).stream().filter(x -> !"pass".equals(x.cell().verdict())
                            && (x.cell().verdict() != null || !"succeeded".equals(x.cell().status()))).limit(10)
                    .forEach(x -> out.printf("  cell %d, row %d, %s: %s%n", x.cell().id(), x.cell().rowIndex(),
                            e.models().get(x.cell().modelIndex()).label(), why(x)));
        }
        out.printf("%nThe grid: GET /api/experiments/%d/cells (CSV with Accept: text/csv)%n", e.id());
        return switch (run.status()) {
            case "cancelled" -> Sightline.RUN_CANCELLED;
            case "completed", "completed_with_failures" -> failing > 0 ? Sightline.RUN_HAD_FAILURES : Sightline.OK;
            default -> Sightline.ERROR;
        };
    }

    private static String why(ExperimentQueries.ExportRow x) {
        if (!"succeeded".equals(x.cell().status())) {
            return x.cell().status() + (x.cell().lastError() == null ? "" : " (" + x.cell().lastError() + ")");
        }
        return x.cell().verdict() + ": " + String.join("; ", x.grades().stream()
                .filter(g -> !Boolean.TRUE.equals(g.pass()))
                .map(g -> g.grader() + " " + (g.error() != null ? g.error() : g.reason())).toList());
    }
}
