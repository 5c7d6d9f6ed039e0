package dev.sightline.jobs;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.analysis.Domains;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Starts jobs for every trigger (the API, the end of a run, the CLI): checks the kind and its parameters, plans the
 * items (the cited pages due for a fetch, or the one site to profile) and stores the job with all its items.
 */
public final class JobService {

    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

    private final JobRepository jobs;
    private final Map<String, JobKind> kinds = new LinkedHashMap<>();
    private final Consumer<List<String>> readAhead;

    /**
     * @param readAhead given the URLs of a new job's items before they are stored: starts what their fetches will
     *                  need first (their hosts' robots.txt, see WebFetcher#readRobotsAhead)
     */
    public JobService(JobRepository jobs, List<JobKind> kinds, Consumer<List<String>> readAhead) {
        this.jobs = jobs;
        this.readAhead = readAhead;
        kinds.forEach(k -> this.kinds.put(k.name(), k));
    }

    public List<String> kinds() {
        return List.copyOf(kinds.keySet());
    }

    public JobKind kind(String name) {
        return kinds.get(name);
    }

    /**
     * Validates and stores a job; with an idempotency key, the same key returns the job it started before (the same
     * key with another request is refused).
     */
    public JobRepository.Created create(long workspaceId, String kind, JsonNode params, String idempotencyKey) {
        JobKind k = kind == null ? null : kinds.get(kind);
        if (k == null) {
            throw Rejection.invalid("kind", "kind must be one of " + kinds.keySet() + (kind == null ? ""
                    : " (got '" + kind + "')"));
        }
        JsonNode p = params == null || params.isNull() ? Json.object() : params;
        if (!p.isObject()) {
            throw Rejection.invalid("params", "params must be a JSON object");
        }
        Map<String, Object> normalised = k.params(workspaceId, p);
        String paramsJson = Json.write(normalised);
        String hash = WorkspaceRepository.textHash(kind + "|" + paramsJson);
        if (idempotencyKey != null) {
            var existing = jobs.findByKey(workspaceId, idempotencyKey);
            if (existing.isPresent()) {
                return replay(existing.get(), hash);
            }
        }
        List<JobRepository.NewItem> items = k.items(workspaceId, normalised);
        // read while the items are stored and claimed (a replay of the same key below reads nothing it needs)
        readAhead.accept(items.stream().map(JobRepository.NewItem::url).toList());
        JobRepository.Created c = jobs.create(workspaceId, kind, paramsJson, idempotencyKey, hash, items,
                k.stepsTotal(items.size()));
        if (!c.created()) {
            return replay(c.job(), hash);
        }
        LOG.info("Job {} ({}) queued for workspace {}: {} item{}", c.job().id(), kind, workspaceId, items.size(),
                items.size() == 1 ? "" : "s");
        return c;
    }

    /** The page analysis that follows a completed run (once per run, whoever asks first). */
    public JobRepository.Created pageAnalysisAfterRun(long workspaceId, long runId) {
        return create(workspaceId, Job.PAGE_ANALYSIS, Json.MAPPER.valueToTree(Map.of("runId", runId)),
                "run:" + runId);
    }

    private static JobRepository.Created replay(Job existing, String hash) {
        if (existing.requestHash() != null && !existing.requestHash().equals(hash)) {
            throw Rejection.unprocessable("idempotency_key_reused", "Idempotency-Key",
                    "this Idempotency-Key was used for job " + existing.id() + " with a different request");
        }
        return new JobRepository.Created(existing, false);
    }

    /**
     * A URL as an item: its canonical form (no fragment, no utm_* parameters: the same page cited with and without
     * tracking parameters is one page), its politeness key (host and port), its registrable domain.
     */
    public static JobRepository.NewItem item(String url, String field) {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw Rejection.invalid(field, field + " is not a valid URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getHost().isBlank()
                || url.length() > 2048) {
            throw Rejection.invalid(field, field + " must be an absolute http or https URL with a host (got '"
                    + (url.length() > 100 ? url.substring(0, 100) + "..." : url) + "')");
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        String key = u.getPort() == -1 ? host : host + ":" + u.getPort();
        return new JobRepository.NewItem(canonical(u), key, Domains.registrable(host), List.of(url.strip()));
    }

    static String canonical(URI u) {
        StringBuilder query = new StringBuilder();
        if (u.getRawQuery() != null) {
            for (String param : u.getRawQuery().split("&")) {
                if (!param.isEmpty() && !param.toLowerCase(Locale.ROOT).startsWith("utm_")) {
                    query.append(query.isEmpty() ? "" : "&").append(param);
                }
            }
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getRawAuthority().toLowerCase(Locale.ROOT) + path
                + (query.isEmpty() ? "" : "?" + query);
    }

    /** Refuses a parameter that is not one of {@code allowed}, naming it. */
    public static void only(JsonNode p, Set<String> allowed) {
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw Rejection.invalid("params." + f, "unknown parameter '" + f + "' (allowed: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }
}
