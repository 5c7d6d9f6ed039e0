package dev.sightline.run;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.provider.codec.CostModel;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.WorkspaceRepository;

/** Plans runs for every trigger (schedule, REST, CLI): validates the request, estimates its cost, stores it. */
public final class RunService {

    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

    private final RunRepository runs;
    private final ProviderRegistry providers;
    private final ZoneId zone;
    private final int maxSamples;
    private final CostModel costs = new CostModel();
    private final Budget budget;

    public RunService(RunRepository runs, ProviderRegistry providers, ZoneId zone, int maxSamples, Budget budget) {
        this.budget = budget;
        this.runs = runs;
        this.providers = providers;
        this.zone = zone;
        this.maxSamples = maxSamples;
    }

    public LocalDate today() {
        return LocalDate.now(zone);
    }

    public int maxSamples() {
        return maxSamples;
    }

    /** The planning route's step: the run and all its cells stored in one transaction, or a {@link Rejection}. */
    public RunRepository.Planned plan(PlanRequest planRequest) {
        return plan(planRequest.workspaceId(), planRequest.request());
    }

    public RunRepository.Planned plan(long workspaceId, RunRequest req) {
        List<String> names = resolveProviders(req.providers());
        if (req.samples() < 1 || req.samples() > maxSamples) {
            throw Rejection.invalid("samples", "samples must be between 1 and " + maxSamples
                    + " (sightline.run.max-samples)");
        }
        if (!req.promptTags().isEmpty()) {
            Set<String> known = new TreeSet<>(runs.activeTags(workspaceId));
            for (String tag : req.promptTags()) {
                if (!known.contains(tag)) {
                    throw Rejection.invalid("promptTags", "unknown prompt tag '" + tag + "'; tags in use: "
                            + String.join(", ", known));
                }
            }
        }
        RunRequest normalised = new RunRequest(names, List.copyOf(new TreeSet<>(req.promptTags())), req.samples(),
                req.trigger(), req.idempotencyKey(), req.runDate() == null ? today() : req.runDate(), req.force());
        String hash = requestHash(normalised);
        if (normalised.idempotencyKey() != null) {
            var existing = runs.findByKey(workspaceId, normalised.idempotencyKey());
            if (existing.isPresent()) {
                return replay(existing.get(), hash);
            }
        }
        List<RunRepository.PromptRef> prompts = runs.promptsFor(workspaceId, normalised.promptTags());
        if (prompts.isEmpty()) {
            throw Rejection.unprocessable("no_active_prompts", normalised.promptTags().isEmpty() ? null : "promptTags",
                    "the workspace has no active prompts" + (normalised.promptTags().isEmpty() ? ""
                            : " with tags " + normalised.promptTags()));
        }
        BigDecimal estimate = estimate(prompts, names, normalised.samples());
        if (budget.enabled(workspaceId) && !normalised.force()) {
            BigDecimal left = budget.remainingToday(workspaceId);
            if (estimate.compareTo(left) > 0) {
                throw Rejection.unprocessable("budget_exceeded", "force", "the run's estimated cost $"
                        + estimate.toPlainString() + " exceeds what is left of today's budget ($"
                        + left.setScale(4, java.math.RoundingMode.HALF_UP).toPlainString() + " of $"
                        + budget.capFor(workspaceId).toPlainString() + " a day, " + budget.capSource(workspaceId)
                        + "); force the run to start it anyway (API: \"force\": true, CLI: --force)");
            }
        }
        RunRepository.Planned planned = runs.insert(workspaceId, normalised, hash, prompts, names, estimate);
        if (!planned.created()) {
            return replay(planned.run(), hash);
        }
        Run r = planned.run();
        LOG.info("Run {} planned ({}): {} cells = {} prompts x {} x {} samples, estimated cost ${}", r.id(),
                r.trigger(), r.cellsTotal(), prompts.size(), names, r.samples(), estimate);
        return planned;
    }

    private static RunRepository.Planned replay(Run existing, String hash) {
        if (existing.requestHash() != null && !existing.requestHash().equals(hash)) {
            throw Rejection.unprocessable("idempotency_key_reused",
                    "Idempotency-Key", "this Idempotency-Key was used for run " + existing.id()
                            + " with a different request");
        }
        return new RunRepository.Planned(existing, false);
    }

    private List<String> resolveProviders(List<String> requested) {
        if (requested.isEmpty()) {
            return providers.enabled().stream().map(Provider::name).toList();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String name : requested) {
            Provider p = providers.find(name).orElseThrow(() -> Rejection.invalid("providers",
                    "unknown provider '" + name + "'; configured: "
                            + String.join(", ", providers.enabled().stream().map(Provider::name).toList())));
            if (!p.settings().enabled()) {
                throw Rejection.invalid("providers", "provider '" + name + "' is disabled");
            }
            out.add(name);
        }
        return new ArrayList<>(out);
    }

    /** Cost of the run before any call: each cell's estimate from its prompt and its provider's prices. */
    public BigDecimal estimate(List<RunRepository.PromptRef> prompts, List<String> names, int samples) {
        BigDecimal sum = BigDecimal.ZERO;
        for (String name : names) {
            Provider p = providers.get(name);
            for (RunRepository.PromptRef prompt : prompts) {
                sum = sum.add(costs.estimate(p.settings(), prompt.text()));
            }
        }
        return sum.multiply(BigDecimal.valueOf(samples)).setScale(6, RoundingMode.HALF_UP);
    }

    static String requestHash(RunRequest r) {
        String canonical = String.join(",", r.providers()) + "|" + String.join(",", r.promptTags()) + "|" + r.samples();
        return WorkspaceRepository.textHash(canonical);
    }
}
