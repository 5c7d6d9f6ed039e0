package dev.sightline.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.analysis.Analysis;
import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.analysis.AnswerState;
import dev.sightline.analysis.CitedSource;
import dev.sightline.analysis.EntityResult;
import dev.sightline.analysis.Evidence;
import dev.sightline.workspace.Workspace;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * The Java steps of the analysis route: {@link #analyse} turns a batch of stored answers into the parameters of
 * {@code sql/statements/write-analyses.sql} (one transaction per batch, written by camel-jdbc), and
 * {@link #finishRuns} finalises the runs the batch completed. Never calls a provider: everything it needs is in
 * the stored response, so it runs again at any time with new aliases or a new analyzer.
 */
public final class AnalysisBatches {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisBatches.class);

    /** Headers set on a written batch: how many answers it held and on how many the analyzer failed. */
    public static final String ANALYSED = "sightline.analysed";
    public static final String FAILED = "sightline.analysisFailed";

    /**
     * Property for the steps after {@link #analyse} (grading, the judge): per response id, the analysis of each answer
     * of the batch the analyzer did not fail on.
     */
    public static final String ANALYSES = "sightline.analyses";

    private record Cached(Workspace workspace, AnswerAnalyzer analyzer) {
    }

    private final WorkspaceRepository workspaces;
    private final RunRepository runs;
    private final Map<Long, Cached> analyzers = new ConcurrentHashMap<>();

    public AnalysisBatches(WorkspaceRepository workspaces, RunRepository runs) {
        this.workspaces = workspaces;
        this.runs = runs;
    }

    /** The analyzer for a workspace's current entities; rebuilt when an import changed them. */
    public AnswerAnalyzer analyzer(long workspaceId) {
        Workspace ws = workspaces.get(workspaceId);
        Cached c = analyzers.get(workspaceId);
        if (c == null || c.workspace() != ws) {
            c = new Cached(ws, new AnswerAnalyzer(ws.entities()));
            analyzers.put(workspaceId, c);
        }
        return c.analyzer();
    }

    /**
     * Body: a list of {@link AnalysisJob}s. Sets the statement's parameters as headers: the answers' analyses, and
     * {@code queuedIds} (every response of the batch, taken off the queue by the same statement; replies of grader
     * and judge calls are read by the steps after this one).
     */
    public void analyse(Exchange exchange) {
        Message m = exchange.getMessage();
        @SuppressWarnings("unchecked")
        List<AnalysisJob> batch = m.getBody(List.class);
        m.setHeader("queuedIds", batch.stream().map(AnalysisJob::responseId).toArray(Long[]::new));
        List<AnalysisJob> jobs = batch.stream().filter(AnalysisJob::isAnswer).toList();
        Map<Long, Analysis> analyses = new HashMap<>();
        exchange.setProperty(ANALYSES, analyses);
        int n = jobs.size();
        Long[] ids = new Long[n];
        Boolean[] visible = new Boolean[n];
        Double[] sov = new Double[n];
        String[] errors = new String[n];
        String[] states = new String[n];
        StatementColumns mentions = new StatementColumns(8);
        StatementColumns citations = new StatementColumns(8);
        Set<Long> runIds = new LinkedHashSet<>();
        int failed = 0;
        for (int i = 0; i < n; i++) {
            AnalysisJob job = jobs.get(i);
            ids[i] = job.responseId();
            Analysis a;
            try {
                a = analyzer(job.workspaceId()).analyze(job.text(), job.citations());
            } catch (RuntimeException | LinkageError e) {
                // recorded, not retried: the run finishes, the response is flagged, and re-analysis can redo it
                LOG.error("Analysis of response {} failed", job.responseId(), e);
                errors[i] = e.getClass().getSimpleName() + ": " + e.getMessage();
                visible[i] = false;
                sov[i] = 0.0;
                states[i] = AnswerState.ANSWERED.json();
                failed++;
                continue;
            }
            analyses.put(job.responseId(), a);
            visible[i] = a.brandVisible();
            states[i] = a.state().json();
            sov[i] = a.shareOfVoice();
            Map<String, Long> entityIds = new HashMap<>();
            for (EntityResult e : a.entities()) {
                entityIds.put(e.entity().name(), e.entity().id());
                if (e.mentioned()) { // no row means not mentioned: fewer rows to write and index
                    mentions.add(job.responseId(), e.entity().id(), e.count(), e.listRank(), e.mentionOrder(),
                            e.sentiment() == null ? null : e.sentiment().json(), e.sentimentScore(),
                            HexFormat.of().formatHex(Evidence.pack(Evidence.stored(e.evidence()))));
                }
            }
            int pos = 0;
            for (CitedSource s : a.citations()) {
                citations.add(job.responseId(), ++pos, s.url(), s.domain() == null ? "" : s.domain(), s.owner().json(),
                        s.ownerName() == null ? null : entityIds.get(s.ownerName()), s.source(), s.marker());
            }
        }
        m.setHeader("analyzerVersion", AnswerAnalyzer.VERSION);
        m.setHeader("responseIds", ids);
        m.setHeader("brandVisible", visible);
        m.setHeader("shareOfVoice", sov);
        m.setHeader("errors", errors);
        m.setHeader("answerStates", states);
        String[] mentionNames = {"mentionResponseIds", "mentionEntityIds", "mentionCounts", "listRanks",
                "mentionOrders", "sentiments", "sentimentScores", "evidence"};
        Class<?>[] mentionTypes = {Long.class, Long.class, Integer.class, Integer.class, Integer.class, String.class,
                Double.class, String.class};
        mentions.toHeaders(m, mentionNames, mentionTypes);
        String[] citationNames = {"citationResponseIds", "citationPositions", "citationUrls", "citationDomains",
                "citationOwners", "citationEntityIds", "citationSources", "citationMarkers"};
        Class<?>[] citationTypes = {Long.class, Integer.class, String.class, String.class, String.class, Long.class,
                String.class, Integer.class};
        citations.toHeaders(m, citationNames, citationTypes);
        batch.forEach(j -> runIds.add(j.runId()));
        m.setHeader(Pipeline.RUN_IDS, runIds.stream().mapToLong(Long::longValue).toArray());
        m.setHeader(ANALYSED, n);
        m.setHeader(FAILED, failed);
    }

    /**
     * The batch's statement: the analyses ({@code sql/statements/write-analyses.sql}) and whatever the steps after the
     * analysis asked for ({@link Pipeline#STATEMENTS}), one script and so one transaction. A batch without grades or
     * judgements does not parse statements for them.
     */
    public void statement(Exchange exchange) {
        StringBuilder sql = new StringBuilder(resource("sql/statements/write-analyses.sql"));
        @SuppressWarnings("unchecked")
        Set<String> more = exchange.getProperty(Pipeline.STATEMENTS, Set.class);
        if (more != null) {
            more.forEach(r -> sql.append('\n').append(resource(r)));
        }
        exchange.getMessage().setBody(sql.toString());
    }

    /** Calls about analysed answers (a grader prompt's, a judge's): cells of the answer's run, one statement. */
    public static final String FOLLOW_UP_CALLS = "sql/statements/write-follow-up-calls.sql";

    /** Asks for a statement to run with the batch's analyses ({@link #statement}). */
    public static void addStatement(Exchange exchange, String resource) {
        @SuppressWarnings("unchecked")
        Set<String> more = exchange.getProperty(Pipeline.STATEMENTS, Set.class);
        if (more == null) {
            more = new LinkedHashSet<>();
            exchange.setProperty(Pipeline.STATEMENTS, more);
        }
        more.add(resource);
    }

    private final Map<String, String> statements = new ConcurrentHashMap<>();

    private String resource(String path) {
        return statements.computeIfAbsent(path, p -> {
            try (java.io.InputStream in = AnalysisBatches.class.getClassLoader().getResourceAsStream(p)) {
                if (in == null) {
                    throw new IllegalStateException("no statement " + p + " on the classpath");
                }
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** After a batch is written: runs whose last answer it held are over now. */
    public void finishRuns(@Header(Pipeline.RUN_IDS) long[] runIds) {
        if (runIds != null && runIds.length > 0) {
            runs.finalizeRuns(runIds).forEach(f -> LOG.info("Run {} finished: {}", f.runId(), f.status()));
        }
    }
}
