package dev.sightline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.sightline.testing.TestApp;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

/**
 * What a one-off ({@code --once}, {@code --experiment}) builds: the pipeline and its upkeep, alerts and webhooks, and
 * neither the API, nor the daily schedule, nor the hourly storage timers (it does their work after its run), nor,
 * unless it analyses its run's cited pages afterwards ({@code sightline.pages.enabled}), the routes of jobs. A service
 * builds them all.
 */
class OneOffRoutesTest {

    private static final List<String> PIPELINE = List.of("dispatch", "cell-finished", "provider-openai",
            "store-answers", "batch-stored-answers", "analyse-answers", "finalize-runs", "extend-leases",
            "check-alerts", "send-webhooks");
    /** Hourly timers whose work a one-off does once after its run (OneOffUpkeep). */
    private static final List<String> STORAGE = List.of("drop-expired-raw-bodies", "compact-rollup-keys");
    private static final List<String> JOBS = List.of("jobs-dispatch", "job-item", "page-read", "finalize-jobs",
            "page-analysis-after-runs");

    @Test
    void aOneOffLeavesOutTheApiTheScheduleAndJobs() throws Exception {
        List<String> routes = routeIds(SightlineApp.Mode.ONCE, Map.of());
        assertThat(routes).containsAll(PIPELINE).doesNotContain("api-health", "schedule-runs")
                .doesNotContainAnyElementsOf(JOBS).doesNotContainAnyElementsOf(STORAGE);
    }

    @Test
    void aOneOffThatAnalysesItsPagesHasTheRoutesOfJobs() throws Exception {
        List<String> routes = routeIds(SightlineApp.Mode.ONCE, Map.of("sightline.pages.enabled", "true"));
        assertThat(routes).containsAll(PIPELINE).containsAll(JOBS).doesNotContain("api-health", "schedule-runs")
                .doesNotContainAnyElementsOf(STORAGE);
    }

    @Test
    void aServiceHasEveryRoute() throws Exception {
        List<String> routes = routeIds(SightlineApp.Mode.SERVICE, Map.of("camel.server.port", "0"));
        assertThat(routes).containsAll(PIPELINE).containsAll(JOBS).containsAll(STORAGE)
                .contains("api-health", "schedule-runs");
    }

    private static List<String> routeIds(SightlineApp.Mode mode, Map<String, String> settings) throws Exception {
        Properties p = TestApp.settings("one_off_routes");
        p.putAll(settings);
        SightlineApp app = new SightlineApp(p, mode);
        try {
            app.start();
            return app.context().getRoutes().stream().map(Route::getRouteId).toList();
        } finally {
            app.stop();
        }
    }
}
