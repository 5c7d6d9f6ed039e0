package dev.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.sightline.testing.TestApp;

/**
 * The dashboard in Debian's headless Chromium (driven by Selenium through /usr/bin/chromedriver; nothing is
 * downloaded): sign in, start a run from the page, watch its bar reach 100 % through the events, see the chart draw
 * the new run's point, open an answer and find the brand highlighted, and a provider's {@code <script>} shown as
 * text. Screenshots of every page go to target/screenshots/.
 */
class DashboardBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    /** What a hostile provider answers: markup that must show as text, and the brand to highlight. */
    static final String HOSTILE = "Here are the CRMs I would look at:\n\n"
            + "1. **Pipedrive** - a clear pipeline view. <script>window.__pwned = 1</script>\n"
            + "2. **HubSpot** - a generous free tier. <img src=x onerror=\"window.__pwned = 2\">\n"
            + "3. Salesforce - for large teams.";

    static HttpServer mock;
    static TestApp app;
    static ChromeDriver driver;
    @TempDir
    static Path downloads;
    @TempDir
    static Path chromiumProfile;

    @BeforeAll
    static void start() throws Exception {
        assertThat(new File("/usr/bin/chromedriver")).as("chromium-driver is installed (.ci/run installs it)").exists();
        assertThat(new File("/usr/bin/chromium")).as("chromium is installed (.ci/run installs it)").exists();
        mock = hostileProvider();
        Map<String, String> s = new LinkedHashMap<>();
        // a run of about five seconds: long enough to watch the bar move
        s.put("sightline.simulator.latency-median", "300ms");
        s.put("sightline.simulator.latency-p99", "400ms");
        s.put("sightline.dispatch.consumers", "2");
        s.put("sightline.providers.hostile.kind", "openai-compatible");
        s.put("sightline.providers.hostile.model", "mock-1");
        s.put("sightline.providers.hostile.base-url", "http://127.0.0.1:" + mock.getAddress().getPort() + "/v1");
        s.put("sightline.providers.hostile.api-key", "mock-key-0123456789");
        s.put("sightline.providers.hostile.requests-per-minute", "6000");
        app = TestApp.start("dashboard", s);

        Files.createDirectories(SHOTS);
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-quic", "--window-size=1280,800",
                "--user-data-dir=" + chromiumProfile);
        o.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().window().setSize(new Dimension(1280, 800));
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.close();
        }
        if (mock != null) {
            mock.stop(0);
        }
    }

    /** An OpenAI-compatible provider whose every answer carries markup. */
    static HttpServer hostileProvider() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String body = new ObjectMapper().writeValueAsString(Map.of("id", "chatcmpl-1", "object", "chat.completion",
                "model", "mock-1", "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", HOSTILE))),
                "usage", Map.of("prompt_tokens", 12, "completion_tokens", 60, "total_tokens", 72)));
        s.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        s.start();
        return s;
    }

    @Test
    void signInRunWatchTheEventsAndReadAnAnswer() throws Exception {
        try {
            journey();
        } catch (Throwable t) {
            shot("failure");
            System.out.println("PAGE TEXT at failure:\n" + driver.findElement(By.tagName("body")).getText());
            driver.manage().logs().get(LogType.BROWSER).forEach(e -> System.out.println("BROWSER " + e));
            throw t;
        }
    }

    private void journey() throws Exception {
        driver.get(app.baseUrl() + "/");
        WebElement tokenInput = await(By.id("token"));
        shot("sign-in");

        // a wrong token is refused in words
        tokenInput.sendKeys("not-a-real-token-0123456789");
        driver.findElement(By.cssSelector("#sign-in-form button")).click();
        awaitText(By.id("sign-in-error"), "not valid");

        tokenInput.clear();
        tokenInput.sendKeys(TestApp.TOKEN);
        driver.findElement(By.cssSelector("#sign-in-form button")).click();
        await(By.cssSelector("#nav a[aria-current='page'][data-page='overview']"));
        assertThat(js("return sessionStorage.getItem('sightline.token')")).isEqualTo(TestApp.TOKEN);
        assertThat(driver.getCurrentUrl()).doesNotContain(TestApp.TOKEN);
        assertThat(await(By.id("visibility-chart")).getAttribute("data-points")).isEqualTo("0");

        // Runs: start one from the page and follow it through the events
        driver.get(app.baseUrl() + "/#/runs");
        awaitText(By.id("stream-state"), "live");
        driver.findElement(By.id("run-now")).click();
        WebElement panel = await(By.cssSelector("#live-runs .live-run"));
        String runId = panel.getAttribute("data-run-id");
        By bar = By.cssSelector("#live-run-" + runId + " [role=progressbar]");
        List<Double> seen = new ArrayList<>();
        boolean shotMidway = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            double v = Double.parseDouble(driver.findElement(bar).getAttribute("aria-valuenow"));
            if (seen.isEmpty() || seen.get(seen.size() - 1) != v) {
                seen.add(v);
            }
            if (!shotMidway && v > 20 && v < 90) {
                shot("runs-live");
                shotMidway = true;
            }
            if (v >= 100) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(seen).as("the bar's values as the run went on").last().isEqualTo(100.0);
        assertThat(seen.stream().filter(v -> v > 0 && v < 100).count()).as("values between 0 and 100: " + seen)
                .isGreaterThanOrEqualTo(2);
        awaitText(By.cssSelector("#live-run-" + runId + " .headline"), "visibility");
        List<WebElement> providerRows = driver.findElements(By.cssSelector("#live-run-" + runId
                + " .provider-counts tbody tr"));
        assertThat(providerRows).hasSize(5);
        assertThat(app.get("/api/runs/" + runId).json().get("status").asText()).isEqualTo("completed");
        awaitText(By.id("runs-table"), "completed");
        shot("runs");

        // the CSV next to the table
        driver.findElement(By.cssSelector("#runs-table button.csv")).click();
        TestApp.await("runs.csv downloaded", Duration.ofSeconds(10), () -> Files.exists(downloads.resolve("runs.csv")));
        assertThat(Files.readString(downloads.resolve("runs.csv"))).startsWith("Run,Date,Trigger,Status")
                .contains(runId + ",");

        // Overview: the new run's point on the charts
        driver.get(app.baseUrl() + "/#/overview");
        WebElement chart = await(By.cssSelector("#visibility-chart[data-points='1']"));
        await(By.cssSelector("#visibility-chart canvas"));
        await(By.cssSelector("#provider-chart canvas"));
        assertThat(chart.findElements(By.cssSelector(".u-legend .u-series"))).hasSizeGreaterThanOrEqualTo(2);
        awaitText(By.id("entities-table"), "HubSpot");
        awaitText(By.id("days-table"), "%");
        shot("overview");

        // Answers: the hostile provider's answer, its markup as text, the brand highlighted
        driver.get(app.baseUrl() + "/#/answers?run=" + runId);
        await(By.cssSelector("#answers-table table"));
        int column = -1;
        List<WebElement> heads = driver.findElements(By.cssSelector("#answers-table thead th"));
        for (int i = 0; i < heads.size(); i++) {
            if (heads.get(i).getText().equals("hostile")) {
                column = i + 1;
            }
        }
        assertThat(column).as("a column for the hostile provider").isPositive();
        driver.findElement(By.cssSelector("#answers-table tbody tr:first-child td:nth-child(" + column + ") button"))
                .click();
        WebElement text = await(By.id("answer-text"));
        assertThat(text.getText()).contains("<script>window.__pwned = 1</script>").contains("<img src=x onerror=");
        assertThat(text.findElements(By.tagName("script"))).isEmpty();
        assertThat(text.findElements(By.tagName("img"))).isEmpty();
        assertThat(js("return window.__pwned === undefined")).isEqualTo(true);
        WebElement brand = await(By.cssSelector("#answer-text mark.brand"));
        assertThat(brand.getText()).isEqualTo("Pipedrive");
        assertThat(text.findElements(By.cssSelector("mark.competitor"))).isNotEmpty();
        awaitText(By.id("mentions-table"), "Pipedrive");
        shot("answers");

        // Sources
        driver.get(app.baseUrl() + "/#/sources");
        awaitText(By.id("domains-table"), "Citations");
        shot("sources");

        // an API error is shown in words
        driver.get(app.baseUrl() + "/#/answers?run=999999");
        awaitText(By.cssSelector("#answers-grid .error"), "run 999999 not found");

        // phone width: nothing wider than the screen
        driver.manage().window().setSize(new Dimension(390, 844));
        Map<String, String> loaded = Map.of("overview", "#days-table", "runs", "#runs-table",
                "answers", "#answers-table", "sources", "#domains-table");
        for (String page : List.of("overview", "runs", "answers", "sources")) {
            driver.get(app.baseUrl() + "/#/" + page);
            await(By.cssSelector("#page[data-page='" + page + "'] " + loaded.get(page)));
            assertThat((Boolean) js("return document.documentElement.scrollWidth <= window.innerWidth + 1"))
                    .as(page + " fits a phone's width").isTrue();
            shot(page + "-phone");
        }

        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            // refused requests this test made on purpose (401, 404) are logged as failed loads: scripts' errors and
            // policy violations are what must not be there
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains("Failed to load resource")) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("errors in the browser console").isEmpty();
    }

    static WebElement await(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    static void awaitText(By by, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(() -> by + " to contain '" + text + "'")
                .until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().contains(text)));
    }

    static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    static void shot(String name) throws IOException {
        File f = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
