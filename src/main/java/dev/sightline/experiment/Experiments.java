package dev.sightline.experiment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.provider.codec.CostModel;
import dev.sightline.run.Budget;
import dev.sightline.run.RunRepository;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.values.StructuredReplies;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Experiments: a prompt version asked of up to four models for every row of a dataset, graded. Creating one stores
 * the experiment, its run and every cell (models x rows x samples, each with its rendered prompt and its model's
 * parameters) in one transaction; the cells then go through the same queue, throttles, circuit breakers, retries,
 * leases and budget as the daily sweep. Also: re-running cells, manual grades, cancelling.
 */
public final class Experiments {

    private static final Logger LOG = LoggerFactory.getLogger(Experiments.class);

    public static final int MAX_MODELS = 4;
    private static final Set<String> FIELDS = Set.of("promptVersionId", "datasetId", "models", "graders",
            "graderPromptVersionId", "graderProvider", "samples", "force");
    private static final Set<String> MODEL_FIELDS = Set.of("provider", "temperature", "maxTokens");
    /** Variables a grader prompt may use besides the dataset's columns. */
    static final Set<String> GRADER_VARIABLES = Set.of("input", "output");
    /** Rows read and cells written per statement while an experiment is created. */
    private static final int PAGE = 1_000;
    private static final TypeReference<List<Experiment.Model>> MODELS = new TypeReference<>() { };

    private static final String INSERT_RUN = """
            INSERT INTO run (workspace_id, run_date, trigger, providers, samples, cells_total, kind)
            VALUES (?, ?, ?, ?, ?, ?, 'experiment') RETURNING id""";
    private static final String INSERT_EXPERIMENT = """
            INSERT INTO experiment (workspace_id, run_id, prompt_version_id, dataset_id, models, graders,
                                    grader_prompt_version_id, grader_provider, samples, row_count)
            VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?) RETURNING id""";
    private static final String ROWS = """
            SELECT row_index, data::text AS data FROM dataset_row
             WHERE dataset_id = ? AND row_index > ? ORDER BY row_index LIMIT ?""";
    /** Cells and their place in the grid in one statement; ids are drawn first so both rows get the same one. */
    private static final String INSERT_CELLS = """
            WITH input AS MATERIALIZED (
              SELECT nextval(pg_get_serial_sequence('cell', 'id')) AS id, t.*
                FROM unnest(?::text[], ?::int[], ?::text[], ?::float8[], ?::int[], ?::int[], ?::int[])
                     AS t(provider, sample, prompt, temperature, max_tokens, model_index, row_index)),
            cells AS (
              INSERT INTO cell (id, run_id, kind, provider, sample, prompt_text, temperature, max_tokens)
              SELECT id, ?, 'experiment', provider, sample, prompt, temperature, max_tokens FROM input ORDER BY id
              RETURNING id)
            INSERT INTO experiment_cell (cell_id, experiment_id, model_index, row_index, sample)
            SELECT i.id, ?, i.model_index, i.row_index, i.sample FROM input i JOIN cells c ON c.id = i.id""";
    private static final String SET_ESTIMATE = "UPDATE run SET estimated_cost_usd = ? WHERE id = ?";
    private static final String CREATED = """
            INSERT INTO event (workspace_id, run_id, type, payload)
            SELECT e.workspace_id, e.run_id, 'experiment.created',
                   jsonb_build_object('experimentId', e.id, 'runId', e.run_id, 'promptVersionId', e.prompt_version_id,
                                      'datasetId', e.dataset_id, 'models', e.models, 'samples', e.samples,
                                      'rows', e.row_count, 'cellsTotal', r.cells_total,
                                      'estimatedCostUsd', r.estimated_cost_usd, 'createdAt', e.created_at)
              FROM experiment e JOIN run r ON r.id = e.run_id WHERE e.id = ?""";
    private static final String COLUMNS = """
            SELECT e.id, e.workspace_id, e.run_id, e.prompt_version_id, e.dataset_id, e.models::text AS models,
                   e.graders::text AS graders, e.grader_prompt_version_id, e.grader_provider, e.samples, e.row_count,
                   e.created_at, r.estimated_cost_usd
              FROM experiment e JOIN run r ON r.id = e.run_id""";
    private static final String BY_ID = COLUMNS + " WHERE e.workspace_id = ? AND e.id = ?";
    private static final String LIST = COLUMNS + " WHERE e.workspace_id = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?";
    private static final String COUNT_CELLS = "SELECT count(*) FROM cell WHERE run_id = ?";

    /** A re-run: the run reopened, the old cell replaced by a new one in the same place of the grid. */
    private static final String LOCK_RUN = """
            SELECT status, cancel_requested_at IS NOT NULL AS cancelled FROM run WHERE id = ? FOR UPDATE""";
    private static final String RERUNNABLE = """
            SELECT c.id FROM experiment_cell ec JOIN cell c ON c.id = ec.cell_id
             WHERE ec.experiment_id = ? AND c.replaced_by IS NULL AND c.status IN ('succeeded', 'failed', 'cancelled')
               AND (?::bigint IS NULL OR c.id = ?::bigint) AND (NOT ? OR c.status = 'failed')
             ORDER BY c.id FOR UPDATE OF c""";
    private static final String RERUN = """
            WITH old AS (
              SELECT c.*, ec.model_index, ec.row_index, ec.sample AS grid_sample,
                     nextval(pg_get_serial_sequence('cell', 'id')) AS new_id
                FROM cell c JOIN experiment_cell ec ON ec.cell_id = c.id
               WHERE c.id = ANY (?::bigint[])),
            added AS (
              INSERT INTO cell (id, run_id, kind, provider, sample, prompt_text, temperature, max_tokens)
              SELECT new_id, run_id, kind, provider, sample, prompt_text, temperature, max_tokens
                FROM old ORDER BY new_id
              RETURNING id),
            placed AS (
              INSERT INTO experiment_cell (cell_id, experiment_id, model_index, row_index, sample)
              SELECT o.new_id, ?, o.model_index, o.row_index, o.grid_sample FROM old o JOIN added a ON a.id = o.new_id),
            replaced AS (
              UPDATE cell c SET replaced_by = o.new_id, updated_at = now() FROM old o WHERE c.id = o.id)
            SELECT id, new_id FROM old ORDER BY id""";
    private static final String REOPEN = """
            UPDATE run SET status = 'running', finished_at = NULL, cells_total = cells_total + ? WHERE id = ?""";
    private static final String RERUN_EVENT = """
            INSERT INTO event (workspace_id, run_id, type, payload)
            VALUES (?, ?, 'cell.rerun', jsonb_build_object('experimentId', ?::bigint, 'runId', ?::bigint,
                    'cells', ?::jsonb))""";

    private static final String CELL_OF_EXPERIMENT = """
            SELECT c.status FROM experiment_cell ec JOIN cell c ON c.id = ec.cell_id
             WHERE ec.experiment_id = ? AND ec.cell_id = ? FOR UPDATE OF ec""";
    private static final String INSERT_MANUAL = """
            INSERT INTO manual_grade (cell_id, grade, note) VALUES (?, ?, ?) RETURNING id""";
    private static final String MANUAL_EVENT = """
            INSERT INTO event (workspace_id, run_id, type, payload)
            VALUES (?, ?, 'cell.graded', jsonb_build_object('experimentId', ?::bigint, 'runId', ?::bigint,
                    'cellIds', jsonb_build_array(?::bigint), 'manual', ?::text))""";

    private final Jdbc jdbc;
    private final PromptRepository prompts;
    private final Datasets datasets;
    private final ProviderRegistry providers;
    private final WorkspaceRepository workspaces;
    private final RunRepository runs;
    private final Budget budget;
    private final ZoneId zone;
    private final int maxSamples;
    private final int maxCells;
    private final CostModel costs = new CostModel();

    public Experiments(Jdbc jdbc, PromptRepository prompts, Datasets datasets, ProviderRegistry providers,
                       WorkspaceRepository workspaces, RunRepository runs, Budget budget, ZoneId zone,
                       int maxSamples, int maxCells) {
        this.jdbc = jdbc;
        this.prompts = prompts;
        this.datasets = datasets;
        this.providers = providers;
        this.workspaces = workspaces;
        this.runs = runs;
        this.budget = budget;
        this.zone = zone;
        this.maxSamples = maxSamples;
        this.maxCells = maxCells;
    }

    /** What a request asks, checked; everything but the rows. */
    private record Plan(PromptVersion prompt, Datasets.Dataset dataset, List<Experiment.Model> models,
                        List<Graders.Rule> graders, PromptVersion graderPrompt, String graderProvider, int samples,
                        boolean force) {

        int rows() {
            return dataset == null ? 1 : dataset.rows();
        }
    }

    /**
     * Creates an experiment from a request body ({@code POST /api/experiments}, the CLI): every error names its field.
     *
     * @param trigger {@code api} or {@code cli}
     */
    public Experiment create(long workspaceId, JsonNode body, String trigger) {
        Plan plan = check(workspaceId, body);
        int total = plan.models().size() * plan.rows() * plan.samples();
        Set<String> usedProviders = new LinkedHashSet<>();
        plan.models().forEach(m -> usedProviders.add(m.provider()));
        long id = jdbc.inTransaction(c -> {
            long runId = Jdbc.queryOne(c, INSERT_RUN, rs -> rs.getLong(1), workspaceId, LocalDate.now(zone), trigger,
                    List.copyOf(usedProviders), plan.samples(), total).orElseThrow();
            long experimentId = Jdbc.queryOne(c, INSERT_EXPERIMENT, rs -> rs.getLong(1), workspaceId, runId,
                    plan.prompt().id(), plan.dataset() == null ? null : plan.dataset().id(), Json.write(plan.models()),
                    Json.write(Graders.json(plan.graders())),
                    plan.graderPrompt() == null ? null : plan.graderPrompt().id(), plan.graderProvider(),
                    plan.samples(), plan.rows()).orElseThrow();
            BigDecimal estimate = insertCells(c, plan, runId, experimentId);
            long inserted = Jdbc.queryOne(c, COUNT_CELLS, rs -> rs.getLong(1), runId).orElseThrow();
            if (inserted != total) {
                throw new IllegalStateException("planned " + total + " cells but inserted " + inserted);
            }
            checkBudget(workspaceId, estimate, plan.force());
            Jdbc.update(c, SET_ESTIMATE, estimate, runId);
            Jdbc.update(c, CREATED, experimentId);
            return experimentId;
        });
        Experiment e = find(workspaceId, id).orElseThrow();
        LOG.info("Experiment {} created ({}): {} cells = {} models x {} rows x {} samples, estimated cost ${}", id,
                trigger, total, plan.models().size(), plan.rows(), plan.samples(), e.estimatedCostUsd());
        return e;
    }

    private Plan check(long workspaceId, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw Rejection.invalid(null, "the request body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw Rejection.invalid(f, "unknown field '" + f + "' (allowed: " + String.join(", ",
                        new TreeSet<>(FIELDS)) + ")");
            }
        }
        PromptVersion prompt = version(workspaceId, body, "promptVersionId", true);
        if (!PromptRepository.GENERATOR.equals(prompt.type())) {
            throw Rejection.invalid("promptVersionId", "prompt version " + prompt.id() + " belongs to grader prompt '"
                    + prompt.promptName() + "'; an experiment asks a generator prompt");
        }
        Datasets.Dataset dataset = null;
        Long datasetId = id(body, "datasetId", false);
        if (datasetId != null) {
            dataset = datasets.find(workspaceId, datasetId).orElseThrow(() -> Rejection.invalid("datasetId",
                    "no dataset " + datasetId + " in this workspace"));
        }
        Set<String> columns = dataset == null ? Set.of() : new LinkedHashSet<>(dataset.columns());
        List<String> missing = prompt.template().missing(columns);
        if (!missing.isEmpty()) {
            throw Rejection.invalid("promptVersionId", "placeholder {{" + missing.get(0) + "}} of prompt version "
                    + prompt.id() + " has no column in " + (dataset == null ? "the experiment (it has no dataset)"
                    : "dataset " + dataset.id() + " (columns: " + String.join(", ", dataset.columns()) + ")"));
        }
        List<Experiment.Model> models = models(body.get("models"));
        List<Graders.Rule> graders = Graders.parse(body.get("graders"), "graders",
                workspaces.get(workspaceId).entities());
        if (Json.write(Graders.json(graders)).contains("\\u0000")) {
            throw Rejection.invalid("graders", "graders must not contain U+0000 (NUL)");
        }
        PromptVersion graderPrompt = version(workspaceId, body, "graderPromptVersionId", false);
        String graderProvider = null;
        if (graderPrompt != null) {
            if (!PromptRepository.GRADER.equals(graderPrompt.type())) {
                throw Rejection.invalid("graderPromptVersionId", "prompt version " + graderPrompt.id()
                        + " belongs to generator prompt '" + graderPrompt.promptName() + "'; grading needs a prompt of "
                        + "type grader");
            }
            Set<String> known = new LinkedHashSet<>(columns);
            known.addAll(GRADER_VARIABLES);
            List<String> unknown = graderPrompt.template().missing(known);
            if (!unknown.isEmpty()) {
                throw Rejection.invalid("graderPromptVersionId", "placeholder {{" + unknown.get(0)
                        + "}} of grader prompt version " + graderPrompt.id() + " is neither {{input}}, {{output}} nor "
                        + "a column of the dataset");
            }
            JsonNode gp = body.get("graderProvider");
            if (gp != null && !gp.isNull() && !gp.isTextual()) {
                throw Rejection.invalid("graderProvider", "graderProvider must be a provider name");
            }
            graderProvider = gp == null || gp.isNull() ? models.get(0).provider() : provider(gp.asText(),
                    "graderProvider");
        } else if (body.hasNonNull("graderProvider")) {
            throw Rejection.invalid("graderProvider", "graderProvider goes with graderPromptVersionId");
        }
        JsonNode s = body.get("samples");
        int samples = 1;
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToInt() || s.asInt() < 1 || s.asInt() > maxSamples) {
                throw Rejection.invalid("samples", "samples must be a whole number from 1 to " + maxSamples
                        + " (sightline.run.max-samples)");
            }
            samples = s.asInt();
        }
        JsonNode f = body.get("force");
        if (f != null && !f.isNull() && !f.isBoolean()) {
            throw Rejection.invalid("force", "force must be true or false");
        }
        Plan plan = new Plan(prompt, dataset, models, graders, graderPrompt, graderProvider, samples,
                f != null && f.asBoolean(false));
        long cells = (long) models.size() * plan.rows() * samples;
        if (cells > maxCells) {
            throw Rejection.invalid("samples", "the experiment would have " + cells + " cells (" + models.size()
                    + " models x " + plan.rows() + " rows x " + samples + " samples), more than " + maxCells
                    + " (sightline.experiments.max-cells)");
        }
        return plan;
    }

    private PromptVersion version(long workspaceId, JsonNode body, String field, boolean required) {
        Long id = id(body, field, required);
        if (id == null) {
            return null;
        }
        return prompts.version(workspaceId, id).orElseThrow(() -> Rejection.invalid(field, "no prompt version " + id
                + " in this workspace"));
    }

    private static Long id(JsonNode body, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw Rejection.invalid(field, field + " is required");
            }
            return null;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1) {
            throw Rejection.invalid(field, field + " must be a positive integer id");
        }
        return n.asLong();
    }

    private List<Experiment.Model> models(JsonNode n) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw Rejection.invalid("models", "models must be an array of 1 to " + MAX_MODELS
                    + " {\"provider\", \"temperature\", \"maxTokens\"} objects");
        }
        if (n.size() > MAX_MODELS) {
            throw Rejection.invalid("models", "at most " + MAX_MODELS + " models per experiment (got " + n.size()
                    + ")");
        }
        List<Experiment.Model> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            String f = "models[" + i + "]";
            JsonNode m = n.get(i);
            if (m.isTextual()) {
                out.add(new Experiment.Model(provider(m.asText(), f), null, null));
                continue;
            }
            if (!m.isObject()) {
                throw Rejection.invalid(f, f + " must be an object with a \"provider\"");
            }
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!MODEL_FIELDS.contains(k)) {
                    throw Rejection.invalid(f + "." + k, "unknown field '" + k + "' (allowed: provider, temperature, "
                            + "maxTokens)");
                }
            }
            if (!m.path("provider").isTextual()) {
                throw Rejection.invalid(f + ".provider", f + ".provider is required: one of " + configured());
            }
            String provider = provider(m.get("provider").asText(), f + ".provider");
            Double temperature = null;
            JsonNode t = m.get("temperature");
            if (t != null && !t.isNull()) {
                if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 2) {
                    throw Rejection.invalid(f + ".temperature", f + ".temperature must be a number from 0 to 2");
                }
                temperature = t.asDouble();
            }
            Integer maxTokens = null;
            JsonNode mt = m.get("maxTokens");
            if (mt != null && !mt.isNull()) {
                if (!mt.isIntegralNumber() || !mt.canConvertToInt() || mt.asInt() < 1 || mt.asInt() > 1_000_000) {
                    throw Rejection.invalid(f + ".maxTokens", f + ".maxTokens must be a whole number from 1 to "
                            + "1000000");
                }
                maxTokens = mt.asInt();
            }
            out.add(new Experiment.Model(provider, temperature, maxTokens));
        }
        return out;
    }

    private String provider(String name, String field) {
        Provider p = providers.find(name).orElseThrow(() -> Rejection.invalid(field, "unknown provider '" + name
                + "'; configured: " + configured()));
        if (!p.settings().enabled()) {
            throw Rejection.invalid(field, "provider '" + name + "' is disabled");
        }
        return name;
    }

    private String configured() {
        return String.join(", ", providers.enabled().stream().map(Provider::name).toList());
    }

    /** Every cell, page by page of dataset rows; returns the estimated cost of the cells and their grader calls. */
    private BigDecimal insertCells(Connection c, Plan plan, long runId, long experimentId) throws SQLException {
        BigDecimal estimate = BigDecimal.ZERO;
        ProviderSettings grader = plan.graderPrompt() == null ? null : providers.get(plan.graderProvider()).settings();
        try (PreparedStatement ps = c.prepareStatement(INSERT_CELLS)) {
            Cells page = new Cells();
            int after = -1;
            while (true) {
                List<Object[]> rows = plan.dataset() == null
                        ? (after < 0 ? List.<Object[]>of(new Object[] {0, "{}"}) : List.of())
                        : Jdbc.query(c, ROWS, rs -> new Object[] {rs.getInt(1), rs.getString(2)}, plan.dataset().id(),
                                after, PAGE);
                if (rows.isEmpty()) {
                    break;
                }
                for (Object[] row : rows) {
                    int index = (Integer) row[0];
                    JsonNode data = Datasets.parse((String) row[1]);
                    String text = plan.prompt().template().render(v -> Datasets.value(data, v));
                    for (int m = 0; m < plan.models().size(); m++) {
                        Experiment.Model model = plan.models().get(m);
                        ProviderSettings s = providers.get(model.provider()).settings()
                                .withModelParameters(model.temperature(), model.maxTokens());
                        BigDecimal one = costs.estimate(s, text);
                        if (grader != null) {
                            // the grader reads the prompt, the answer (as long as the answer limit) and its own text
                            long chars = plan.graderPrompt().body().length() + text.length()
                                    + 4L * Math.min(s.maxTokens(), 700) + StructuredReplies.GRADER_INSTRUCTION.length();
                            one = one.add(costs.estimate(grader, chars));
                        }
                        for (int sample = 1; sample <= plan.samples(); sample++) {
                            page.add(model, sample, text, m, index);
                            estimate = estimate.add(one);
                        }
                    }
                    if (page.size() >= PAGE) {
                        page.insert(c, ps, runId, experimentId);
                    }
                }
                after = (Integer) rows.get(rows.size() - 1)[0];
            }
            page.insert(c, ps, runId, experimentId);
        }
        return estimate.setScale(6, RoundingMode.HALF_UP);
    }

    private void checkBudget(long workspaceId, BigDecimal estimate, boolean force) {
        if (budget.enabled(workspaceId) && !force) {
            BigDecimal left = budget.remainingToday(workspaceId);
            if (estimate.compareTo(left) > 0) {
                throw Rejection.unprocessable("budget_exceeded", "force", "the experiment's estimated cost $"
                        + estimate.toPlainString() + " exceeds what is left of today's budget ($"
                        + left.setScale(4, RoundingMode.HALF_UP).toPlainString() + " of $"
                        + budget.capFor(workspaceId).toPlainString() + " a day, " + budget.capSource(workspaceId)
                        + "); force it to start it anyway (\"force\": true)");
            }
        }
    }

    /** A page of cells as the columns of {@link #INSERT_CELLS}. */
    private static final class Cells {
        final List<String> providers = new ArrayList<>();
        final List<Integer> samples = new ArrayList<>();
        final List<String> prompts = new ArrayList<>();
        final List<Double> temperatures = new ArrayList<>();
        final List<Integer> maxTokens = new ArrayList<>();
        final List<Integer> models = new ArrayList<>();
        final List<Integer> rows = new ArrayList<>();

        void add(Experiment.Model model, int sample, String prompt, int modelIndex, int row) {
            providers.add(model.provider());
            samples.add(sample);
            prompts.add(prompt.indexOf('\0') < 0 ? prompt : prompt.replace('\0', '\uFFFD'));
            temperatures.add(model.temperature());
            maxTokens.add(model.maxTokens());
            models.add(modelIndex);
            rows.add(row);
        }

        int size() {
            return providers.size();
        }

        void insert(Connection c, PreparedStatement ps, long runId, long experimentId) throws SQLException {
            if (providers.isEmpty()) {
                return;
            }
            ps.setArray(1, c.createArrayOf("text", providers.toArray()));
            ps.setArray(2, c.createArrayOf("int4", samples.toArray()));
            ps.setArray(3, c.createArrayOf("text", prompts.toArray()));
            ps.setArray(4, c.createArrayOf("float8", temperatures.toArray()));
            ps.setArray(5, c.createArrayOf("int4", maxTokens.toArray()));
            ps.setArray(6, c.createArrayOf("int4", models.toArray()));
            ps.setArray(7, c.createArrayOf("int4", rows.toArray()));
            ps.setLong(8, runId);
            ps.setLong(9, experimentId);
            ps.executeUpdate();
            List.of(providers, samples, prompts, temperatures, maxTokens, models, rows).forEach(List::clear);
        }
    }

    public Optional<Experiment> find(long workspaceId, long id) {
        return jdbc.queryOne(BY_ID, Experiments::experiment, workspaceId, id);
    }

    public List<Experiment> list(long workspaceId, Long before, int limit) {
        return jdbc.query(LIST, Experiments::experiment, workspaceId, before == null ? Long.MAX_VALUE : before, limit);
    }

    public record Rerun(long cellId, long newCellId) {
    }

    /**
     * Re-runs one cell ({@code cellId}) or every failed cell ({@code cellId} null) of an experiment: each gets a new
     * cell in its place of the grid (the old one stays as history), and the experiment's run is open again.
     */
    public List<Rerun> rerun(Experiment e, Long cellId) {
        boolean onlyFailed = cellId == null;
        return jdbc.inTransaction(c -> {
            Object[] run = Jdbc.queryOne(c, LOCK_RUN, rs -> new Object[] {rs.getString(1), rs.getBoolean(2)},
                    e.runId()).orElseThrow();
            if ((Boolean) run[1]) {
                throw Rejection.conflict("experiment_cancelled", "experiment " + e.id() + " was cancelled; start a new "
                        + "one instead");
            }
            List<Long> ids = Jdbc.query(c, RERUNNABLE, rs -> rs.getLong(1), e.id(), cellId, cellId, onlyFailed);
            if (cellId != null && ids.isEmpty()) {
                throw Rejection.conflict("cell_not_rerunnable", "cell " + cellId + " is not a finished cell of "
                        + "experiment " + e.id() + " (it may still be running, or it was re-run already)");
            }
            if (ids.isEmpty()) {
                return List.<Rerun>of();
            }
            List<Rerun> out = Jdbc.query(c, RERUN, rs -> new Rerun(rs.getLong(1), rs.getLong(2)), ids, e.id());
            Jdbc.update(c, REOPEN, out.size(), e.runId());
            List<ObjectNode> cells = out.stream().map(r -> Json.object().put("cellId", r.newCellId())
                    .put("replaces", r.cellId())).toList();
            Jdbc.update(c, RERUN_EVENT, e.workspaceId(), e.runId(), e.id(), e.runId(), Json.write(cells));
            return out;
        });
    }

    /** A manual grade ({@code pass}, {@code fail}, {@code unset}: back to the automatic one), kept as history. */
    public void grade(Experiment e, long cellId, String grade, String note) {
        if (!"pass".equals(grade) && !"fail".equals(grade) && !"unset".equals(grade)) {
            throw Rejection.invalid("grade", "grade must be pass, fail or unset"
                    + (grade == null ? "" : " (got '" + grade + "')"));
        }
        if (note != null && (note.length() > 2000 || note.indexOf('\0') >= 0)) {
            throw Rejection.invalid("note", "note must be at most 2000 characters, without U+0000");
        }
        jdbc.inTransaction(c -> {
            String status = Jdbc.queryOne(c, CELL_OF_EXPERIMENT, rs -> rs.getString(1), e.id(), cellId)
                    .orElseThrow(() -> Rejection.notFound("cell " + cellId + " of experiment " + e.id()));
            if (!"succeeded".equals(status)) {
                throw Rejection.conflict("cell_has_no_answer", "cell " + cellId + " is " + status
                        + "; only an answer can be graded");
            }
            Jdbc.queryOne(c, INSERT_MANUAL, rs -> rs.getLong(1), cellId, grade, note);
            Jdbc.update(c, MANUAL_EVENT, e.workspaceId(), e.runId(), e.id(), e.runId(), cellId, grade);
            return null;
        });
    }

    /** Cancels the experiment's pending cells; calls in flight finish. */
    public boolean cancel(Experiment e) {
        if (!runs.cancel(e.workspaceId(), e.runId())) {
            return false;
        }
        runs.finalizeRuns(new long[] {e.runId()});
        return true;
    }

    private static Experiment experiment(ResultSet rs) throws SQLException {
        List<Experiment.Model> models;
        try {
            models = Json.MAPPER.readValue(rs.getString("models"), MODELS);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored models of experiment " + rs.getLong("id") + " unreadable", ex);
        }
        return new Experiment(rs.getLong("id"), rs.getLong("workspace_id"), rs.getLong("run_id"),
                rs.getLong("prompt_version_id"), rs.getObject("dataset_id", Long.class), models,
                Datasets.parse(rs.getString("graders")), rs.getObject("grader_prompt_version_id", Long.class),
                rs.getString("grader_provider"), rs.getInt("samples"), rs.getInt("row_count"),
                Jdbc.instant(rs, "created_at"), rs.getBigDecimal("estimated_cost_usd"));
    }
}
