package dev.sightline.profile;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.jobs.Job;
import dev.sightline.jobs.JobKind;
import dev.sightline.jobs.JobRepository;
import dev.sightline.jobs.JobService;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/** {@code brand-profile}: one item, the brand's site ({@code params.url}). */
public final class BrandProfileKind implements JobKind {

    @Override
    public String name() {
        return Job.BRAND_PROFILE;
    }

    @Override
    public Map<String, Object> params(long workspaceId, JsonNode p) {
        JobService.only(p, Set.of("url"));
        JsonNode url = p.get("url");
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            throw Rejection.invalid("params.url", "params.url is required: the brand's web site, such as "
                    + "https://www.example.com");
        }
        return Map.of("url", JobService.item(url.asText(), "params.url").url());
    }

    @Override
    public List<JobRepository.NewItem> items(long workspaceId, Map<String, Object> params) {
        return List.of(JobService.item((String) params.get("url"), "params.url"));
    }

    /** Home page, up to ten pages of the site, then answers, cited pages and the proposal. */
    @Override
    public int stepsTotal(int items) {
        return 1 + BrandProfiler.MAX_PAGES + 3;
    }

    @Override
    public Object result(Job job) {
        if (job.result() == null) {
            throw Rejection.conflict("no_result", "job " + job.id() + " is " + job.status() + " and has no result"
                    + (job.error() == null ? "" : ": " + job.error()));
        }
        return Json.parseObject(job.result());
    }
}
