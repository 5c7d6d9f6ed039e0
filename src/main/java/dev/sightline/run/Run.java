package dev.sightline.run;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A stored run. Its totals beyond {@code cellsTotal} are counts of its cells (see {@link RunProgress}). */
public record Run(long id, long workspaceId, LocalDate runDate, String trigger, String status, List<String> providers,
                  List<String> promptTags, int samples, int cellsTotal, BigDecimal estimatedCostUsd,
                  Instant createdAt, Instant finishedAt, Instant cancelRequestedAt, String idempotencyKey,
                  String requestHash, String kind) {

    /** A sweep (the run kind until experiments: {@code kind} 'experiment' is an experiment's run). */
    public boolean isSweep() {
        return "sweep".equals(kind);
    }

    public boolean isTerminal() {
        return !"running".equals(status);
    }
}
