package dev.sightline.pages;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.jobs.Job;
import dev.sightline.jobs.JobKind;
import dev.sightline.jobs.JobRepository;
import dev.sightline.jobs.JobService;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Rejection;

/**
 * {@code page-analysis}: one item per cited page due for a fetch (all of the workspace's, or one run's; most cited
 * first, at most {@code maxPages}), or per URL given in {@code params.urls}.
 */
public final class PageAnalysisKind implements JobKind {

    public static final int MAX_URLS = 5000;
    private static final int TOP_PAGES = 10;

    private final PageRepository pages;
    private final JobRepository jobs;
    private final RunRepository runs;
    private final Duration refresh;
    private final int maxPages;

    public PageAnalysisKind(PageRepository pages, JobRepository jobs, RunRepository runs, Duration refresh,
                            int maxPages) {
        this.pages = pages;
        this.jobs = jobs;
        this.runs = runs;
        this.refresh = refresh;
        this.maxPages = maxPages;
    }

    @Override
    public String name() {
        return Job.PAGE_ANALYSIS;
    }

    @Override
    public Map<String, Object> params(long workspaceId, JsonNode p) {
        JobService.only(p, Set.of("runId", "urls", "maxPages"));
        Map<String, Object> out = new LinkedHashMap<>();
        JsonNode run = p.get("runId");
        if (run != null && !run.isNull()) {
            if (!run.isIntegralNumber() || !run.canConvertToLong() || run.asLong() <= 0) {
                throw Rejection.invalid("params.runId", "params.runId must be a positive integer");
            }
            if (runs.find(workspaceId, run.asLong()).isEmpty()) {
                throw Rejection.invalid("params.runId", "run " + run.asLong() + " not found");
            }
            out.put("runId", run.asLong());
        }
        JsonNode urls = p.get("urls");
        if (urls != null && !urls.isNull()) {
            if (out.containsKey("runId")) {
                throw Rejection.invalid("params.urls", "give params.urls or params.runId, not both");
            }
            if (!urls.isArray() || urls.isEmpty() || urls.size() > MAX_URLS) {
                throw Rejection.invalid("params.urls", "params.urls must be an array of 1 to " + MAX_URLS + " URLs");
            }
            Set<String> list = new LinkedHashSet<>();
            for (int i = 0; i < urls.size(); i++) {
                String field = "params.urls[" + i + "]";
                if (!urls.get(i).isTextual()) {
                    throw Rejection.invalid(field, field + " must be a string");
                }
                list.add(JobService.item(urls.get(i).asText(), field).url());
            }
            out.put("urls", List.copyOf(list));
        }
        JsonNode max = p.get("maxPages");
        if (max != null && !max.isNull()) {
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 1 || max.asInt() > MAX_URLS) {
                throw Rejection.invalid("params.maxPages", "params.maxPages must be between 1 and " + MAX_URLS);
            }
            out.put("maxPages", max.asInt());
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<JobRepository.NewItem> items(long workspaceId, Map<String, Object> params) {
        int limit = params.containsKey("maxPages") ? (Integer) params.get("maxPages") : maxPages;
        List<JobRepository.NewItem> items = new ArrayList<>();
        if (params.containsKey("urls")) {
            for (String u : (List<String>) params.get("urls")) {
                if (items.size() < limit) {
                    items.add(JobService.item(u, "params.urls"));
                }
            }
            return items;
        }
        // the cited forms of one page (with and without tracking parameters) are one item, counted together
        Map<String, JobRepository.NewItem> byPage = new LinkedHashMap<>();
        Map<String, Long> citations = new LinkedHashMap<>();
        for (PageRepository.CitedUrl cited : pages.citedUrls(workspaceId, (Long) params.get("runId"))) {
            JobRepository.NewItem i;
            try {
                i = JobService.item(cited.url(), "url");
            } catch (Rejection notAWebPage) {
                continue;
            }
            JobRepository.NewItem known = byPage.get(i.url());
            List<String> forms = new ArrayList<>(known == null ? List.of() : known.citedUrls());
            forms.add(cited.url());
            byPage.put(i.url(), new JobRepository.NewItem(i.url(), i.host(), cited.domain(), forms));
            citations.merge(i.url(), cited.citations(), Long::sum);
        }
        Set<String> fresh = Set.copyOf(pages.fresh(workspaceId, List.copyOf(byPage.keySet()), refresh));
        byPage.values().stream().filter(i -> !fresh.contains(i.url()))
                .sorted((a, b) -> Long.compare(citations.get(b.url()), citations.get(a.url())))
                .limit(limit).forEach(items::add);
        return items;
    }

    @Override
    public int stepsTotal(int items) {
        return items;
    }

    @Override
    public Object result(Job job) {
        if (job.isOpen()) {
            throw Rejection.conflict("no_result", "job " + job.id() + " is " + job.status()
                    + "; its result is ready when it is over");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", job.id());
        out.put("status", job.status());
        out.put("items", jobs.counts(job.id()));
        out.put("metrics", pages.metricsOfJob(job.id()));
        out.put("worthPitching", pages.topWorthPitchingOfJob(job.id(), TOP_PAGES).stream().map(PagesApi::view)
                .toList());
        out.put("failed", pages.failedItems(job.id(), 100));
        return out;
    }
}
