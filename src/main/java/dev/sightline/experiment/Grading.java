package dev.sightline.experiment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.analysis.Analysis;
import dev.sightline.run.AnalysisBatches;
import dev.sightline.run.AnalysisJob;
import dev.sightline.run.CellKind;
import dev.sightline.run.StatementColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.values.StructuredReplies;

/**
 * The analysis route's grading step, between the analysis of a batch and its write (one transaction, so a crash
 * loses no grade and grades no answer twice). An experiment answer gets its rule grades, and the call of its grader
 * prompt as a cell of the experiment's run; a grader's reply, stored like any answer, becomes the answer's grade from
 * that prompt (or a grading error with the raw reply, when it is not the JSON asked for).
 */
public final class Grading {

    private static final Logger LOG = LoggerFactory.getLogger(Grading.class);

    private static final String ANSWERS = """
            SELECT ec.cell_id, e.id AS experiment_id, e.graders::text AS graders, e.grader_provider,
                   pv.body AS grader_body, c.prompt_text, dr.data::text AS row_data
              FROM experiment_cell ec
              JOIN experiment e ON e.id = ec.experiment_id
              JOIN cell c ON c.id = ec.cell_id
              LEFT JOIN prompt_version pv ON pv.id = e.grader_prompt_version_id
              LEFT JOIN dataset_row dr ON dr.dataset_id = e.dataset_id AND dr.row_index = ec.row_index
             WHERE ec.cell_id = ANY (?)""";
    private static final String REPLIES = """
            SELECT g.id, g.parent_cell_id, jsonb_array_length(e.graders) AS rules
              FROM cell g
              JOIN experiment_cell ec ON ec.cell_id = g.parent_cell_id
              JOIN experiment e ON e.id = ec.experiment_id
             WHERE g.id = ANY (?)""";

    private static final String[] GRADE_HEADERS = {"gradeCellIds", "gradePositions", "gradeGraders", "gradePasses",
            "gradeScores", "gradeReasons", "gradeErrors", "gradeRawAnswers", "gradeGraderCellIds"};
    private static final Class<?>[] GRADE_TYPES = {Long.class, Integer.class, String.class, Boolean.class,
            Double.class, String.class, String.class, String.class, Long.class};
    private static final String[] CALL_HEADERS = {"graderCallParentIds", "graderCallProviders", "graderCallPrompts"};
    private static final Class<?>[] CALL_TYPES = {Long.class, String.class, String.class};

    private record Config(long experimentId, String graders, String graderProvider, String graderBody,
                          String promptText, String rowData) {
    }

    private final Jdbc jdbc;
    /** An experiment's graders never change: parsed (regexes, schemas compiled) once. */
    private final Cache<Long, List<Graders.Rule>> rules = CacheBuilder.newBuilder().maximumSize(256).build();

    public Grading(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Body: the batch (a list of {@link AnalysisJob}); sets the grade and grader-call parameters as headers. */
    public void grade(Exchange exchange) {
        Message m = exchange.getMessage();
        @SuppressWarnings("unchecked")
        List<AnalysisJob> batch = m.getBody(List.class);
        @SuppressWarnings("unchecked")
        Map<Long, Analysis> analyses = exchange.getProperty(AnalysisBatches.ANALYSES, Map.class);
        StatementColumns grades = new StatementColumns(GRADE_HEADERS.length);
        StatementColumns calls = new StatementColumns(CALL_HEADERS.length);
        List<AnalysisJob> answers = batch.stream().filter(j -> CellKind.EXPERIMENT.equals(j.kind())).toList();
        List<AnalysisJob> replies = batch.stream().filter(j -> CellKind.GRADER.equals(j.kind())).toList();
        if (!answers.isEmpty()) {
            gradeAnswers(answers, analyses == null ? Map.of() : analyses, grades, calls);
        }
        if (!replies.isEmpty()) {
            readReplies(replies, grades);
        }
        grades.toHeaders(m, GRADE_HEADERS, GRADE_TYPES);
        calls.toHeaders(m, CALL_HEADERS, CALL_TYPES);
        if (grades.size() > 0) {
            AnalysisBatches.addStatement(exchange, "sql/statements/write-grades.sql");
        }
        if (calls.size() > 0) {
            AnalysisBatches.addStatement(exchange, AnalysisBatches.FOLLOW_UP_CALLS);
        }
    }

    private void gradeAnswers(List<AnalysisJob> answers, Map<Long, Analysis> analyses, StatementColumns grades,
                              StatementColumns calls) {
        Map<Long, Config> configs = new HashMap<>();
        jdbc.query(ANSWERS, rs -> configs.put(rs.getLong("cell_id"), new Config(rs.getLong("experiment_id"),
                rs.getString("graders"), rs.getString("grader_provider"), rs.getString("grader_body"),
                rs.getString("prompt_text"), rs.getString("row_data"))),
                answers.stream().map(AnalysisJob::cellId).toList());
        for (AnalysisJob job : answers) {
            Config c = configs.get(job.cellId());
            if (c == null) {
                continue; // not an experiment's cell any more: nothing to grade
            }
            List<Graders.Rule> list = rules(c);
            String text = job.text() == null ? "" : job.text();
            Analysis analysis = analyses.get(job.responseId());
            for (int i = 0; i < list.size(); i++) {
                Graders.Grade g = gradeOne(list.get(i), text, analysis, job);
                grades.add(job.cellId(), i, g.grader(), g.pass(), g.score(), g.reason(), g.error(), null, null);
            }
            if (c.graderBody() != null) {
                JsonNode row = c.rowData() == null ? null : Datasets.parse(c.rowData());
                String prompt = Template.of(c.graderBody()).render(v -> switch (v) {
                    case "input" -> c.promptText();
                    case "output" -> text;
                    default -> Datasets.value(row, v);
                }) + StructuredReplies.GRADER_INSTRUCTION;
                calls.add(job.cellId(), c.graderProvider(), prompt.replace('\0', '\uFFFD'));
            }
        }
    }

    /**
     * One rule on one answer. A rule that throws is that grade's error: the batch holds other answers, other
     * workspaces' too, whose analyses must not wait on it.
     */
    private static Graders.Grade gradeOne(Graders.Rule rule, String text, Analysis analysis, AnalysisJob job) {
        try {
            return Graders.apply(rule, text, analysis);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warn("Grader {} failed on cell {}: {}", rule.type(), job.cellId(), e.getClass().getSimpleName());
            return Graders.Grade.error(rule.type(), "the grader failed on this answer (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private void readReplies(List<AnalysisJob> replies, StatementColumns grades) {
        Map<Long, long[]> parents = new HashMap<>();
        jdbc.query(REPLIES, rs -> parents.put(rs.getLong("id"), new long[] {rs.getLong("parent_cell_id"),
                rs.getInt("rules")}), replies.stream().map(AnalysisJob::cellId).toList());
        for (AnalysisJob job : replies) {
            long[] p = parents.get(job.cellId());
            if (p == null) {
                continue;
            }
            Graders.Grade g = GraderReply.parse(job.text());
            grades.add(p[0], (int) p[1], g.grader(), g.pass(), g.score(), g.reason(), g.error(),
                    job.text(), job.cellId());
        }
    }

    private List<Graders.Rule> rules(Config c) {
        try {
            return rules.get(c.experimentId(), () -> Graders.stored(Datasets.parse(c.graders())));
        } catch (ExecutionException e) {
            throw new IllegalStateException("graders of experiment " + c.experimentId() + " unreadable", e.getCause());
        }
    }
}
