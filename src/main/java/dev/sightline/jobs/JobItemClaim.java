package dev.sightline.jobs;

import java.util.List;
import java.util.UUID;

/**
 * A job item this node leased: one cited page to analyse, or one brand site to profile. Every write about it is
 * fenced by {@code leaseToken}.
 */
public record JobItemClaim(long itemId, long jobId, long workspaceId, String kind, String url, String host,
                           String domain, List<String> citedUrls, int attempts, UUID leaseToken) {
}
