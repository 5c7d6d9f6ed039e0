package dev.sightline;

import dev.sightline.config.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.experiment.ExperimentFile;
import dev.sightline.store.Database;
import dev.sightline.store.EmbeddedDatabase;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.TokenService;
import dev.sightline.workspace.WorkspaceFile;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Command line: {@code java -jar sightline.jar} runs the service (schedule, REST API) until stopped; {@code --once}
 * runs one sweep for the default workspace and exits; {@code --create-token} touches only the database.
 */
public final class Sightline {

    private static final Logger LOG = LoggerFactory.getLogger(Sightline.class);

    /** Exit codes. */
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int BAD_CONFIGURATION = 2;
    public static final int RUN_HAD_FAILURES = 3;
    public static final int RUN_CANCELLED = 4;
    public static final int PAUSED_BUDGET = 5;

    private Sightline() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Cli cli;
        try {
            cli = Cli.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("sightline: " + e.getMessage());
            err.println(Cli.USAGE);
            return BAD_CONFIGURATION;
        }
        if (cli.help) {
            out.println(Cli.USAGE);
            return OK;
        }
        if (cli.createToken != null) {
            return createToken(cli, out, err);
        }
        if (cli.rebuildRollups) {
            return rebuildRollups(out, err);
        }
        // a one-off (SightlineApp.Mode.ONCE below) fires no daily schedule: its route and the Quartz component are left
        // out, and it serves no API
        Properties overrides = new Properties();
        ExperimentFile experiment = null;
        if (cli.experiment != null) {
            try {
                experiment = ExperimentFile.read(Path.of(cli.experiment));
            } catch (ExperimentFile.InvalidFileException e) {
                err.println("sightline: " + e.getMessage());
                return BAD_CONFIGURATION;
            }
        }
        boolean oneOff = cli.once || experiment != null;
        SightlineApp app = new SightlineApp(overrides, oneOff ? SightlineApp.Mode.ONCE : SightlineApp.Mode.SERVICE);
        try {
            if (experiment != null) {
                app.start();
                ExperimentRunner runner = new ExperimentRunner(app, out);
                Signals.onStop(runner::interrupt, () -> {
                    app.stop();
                    Runtime.getRuntime().halt(RUN_CANCELLED);
                });
                try {
                    return runner.run(experiment, cli.waitForBudget);
                } finally {
                    app.stop();
                }
            }
            if (cli.once) {
                app.start();
                OnceRunner once = new OnceRunner(app, out);
                Signals.onStop(once::interrupt, () -> {
                    // a second signal: stop now, calls in flight still get the grace period
                    app.stop();
                    Runtime.getRuntime().halt(RUN_CANCELLED);
                });
                try {
                    return once.run(cli.providers, cli.tags, cli.samples, cli.force, cli.waitForBudget);
                } finally {
                    app.stop();
                }
            }
            Signals.onStop(() -> {
                app.stop();
                System.exit(OK);
            }, null);
            app.run();
            return OK;
        } catch (Exception e) {
            app.stop();
            return fail(e, err);
        }
    }

    /** A command that touches only the database (a running service's embedded database too). */
    @FunctionalInterface
    private interface DatabaseCommand {
        int run(Jdbc jdbc) throws Exception;
    }

    private static int againstDatabase(PrintStream err, DatabaseCommand command) {
        try {
            Database.Settings s = Settings.read(new Properties(), Database.Settings::from);
            if (s.url().isBlank()) {
                Optional<String[]> running = EmbeddedDatabase.running(s.embeddedDir());
                if (running.isPresent()) {
                    s = new Database.Settings(running.get()[0], "postgres", running.get()[1], 2, s.embeddedDir(),
                            0, s.connectTimeout());
                }
            }
            try (Database db = Database.open(new Database.Settings(s.url(), s.user(), s.password(), 2,
                    s.embeddedDir(), s.embeddedPort(), s.connectTimeout()))) {
                return command.run(new Jdbc(db.dataSource()));
            }
        } catch (Exception e) {
            return fail(e, err);
        }
    }

    /** {@code --rebuild-rollups}: answer facts and rollups recreated from the raw rows, workspace by workspace. */
    private static int rebuildRollups(PrintStream out, PrintStream err) {
        return againstDatabase(err, jdbc -> {
            for (dev.sightline.metrics.Rollups.Rebuilt r : new dev.sightline.metrics.Rollups(jdbc).rebuildAll()) {
                out.printf("workspace %s: %d answers counted, rollups rebuilt in %.1f s%n", r.workspace(), r.answers(),
                        r.seconds());
            }
            return OK;
        });
    }

    /** {@code --create-token}: against the database only (a running service's embedded database too). */
    private static int createToken(Cli cli, PrintStream out, PrintStream err) {
        return againstDatabase(err, jdbc -> {
            var ws = new WorkspaceRepository(jdbc).findBySlug(cli.createToken);
            if (ws.isEmpty()) {
                err.println("sightline: no workspace '" + cli.createToken
                        + "' (workspaces are imported from sightline.workspace.file when the service starts)");
                return BAD_CONFIGURATION;
            }
            var token = new TokenService(jdbc).create(ws.get().id(), cli.tokenName,
                    cli.readOnly ? TokenService.Access.READ : TokenService.Access.FULL);
            out.println(token.token());
            err.println((cli.readOnly ? "Read-only API token '" : "API token '") + cli.tokenName + "' for workspace '"
                    + cli.createToken + "' created; it is shown only now");
            return OK;
        });
    }

    private static int fail(Exception e, PrintStream err) {
        Exception cause = SightlineApp.unwrap(e);
        if (cause instanceof ConfigException || cause instanceof WorkspaceFile.InvalidWorkspaceException) {
            err.println("sightline: " + cause.getMessage());
            return BAD_CONFIGURATION;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        LOG.debug("Stopped by an error", e);
        err.println("sightline: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : ""));
        return ERROR;
    }

    static final class Cli {
        static final String USAGE = """
                usage: java -jar sightline.jar [--once [--providers a,b] [--tags t1,t2] [--samples N] [--force]
                                                [--wait-for-budget]]
                       java -jar sightline.jar --experiment FILE [--wait-for-budget]
                       java -jar sightline.jar --create-token WORKSPACE [--name NAME] [--read-only]
                       java -jar sightline.jar --rebuild-rollups
                  (no option)        run the service: daily schedule and REST API, until stopped
                  --once             run one sweep for the default workspace, print the summary and exit
                                     (exit 0: completed; 3: completed with failed cells; 4: cancelled, also when
                                     interrupted; 5: paused by the daily budget; 1: error; 2: bad configuration)
                  --providers        only these providers (default: every enabled provider)
                  --tags             only prompts with one of these tags
                  --samples          times each prompt is asked per provider (default: sightline.schedule.samples)
                  --force            start even if the estimate exceeds what is left of today's budget
                  --wait-for-budget  when today's budget is spent, wait for the cap to allow the rest (default: exit 5)
                  --experiment       run the experiment a YAML file describes (see experiments/), print its grid's
                                     summary and exit (0: every graded answer passed; 3: some failed, could not be
                                     graded or got no answer; 4: interrupted; 5: paused by the budget; 2: bad file)
                  --create-token     print a new API token for a workspace (by slug) and exit; works while the
                                     service runs and starts no node (--read-only: a token that may only read:
                                     GET requests, event streams, POST /api/analyze)
                  --rebuild-rollups  recreate the answer facts and metric rollups from the stored analyses and
                                     exit; works while the service runs (its analysis writes wait meanwhile)
                Settings come from ./application.properties, -Dkey=value and environment variables (see README.md).""";

        boolean once;
        boolean help;
        boolean force;
        boolean waitForBudget;
        boolean rebuildRollups;
        boolean readOnly;
        String createToken;
        String experiment;
        String tokenName = "cli";
        List<String> providers = List.of();
        List<String> tags = List.of();
        Integer samples;

        static Cli parse(String[] args) {
            Cli c = new Cli();
            List<String> a = new ArrayList<>(Arrays.asList(args));
            for (int i = 0; i < a.size(); i++) {
                String arg = a.get(i);
                switch (arg) {
                    case "--once" -> c.once = true;
                    case "--help", "-h" -> c.help = true;
                    case "--force" -> c.force = true;
                    case "--wait-for-budget" -> c.waitForBudget = true;
                    case "--rebuild-rollups" -> c.rebuildRollups = true;
                    case "--create-token" -> c.createToken = value(a, ++i, arg);
                    case "--experiment" -> c.experiment = value(a, ++i, arg);
                    case "--name" -> c.tokenName = value(a, ++i, arg);
                    case "--read-only" -> c.readOnly = true;
                    case "--providers" -> c.providers = csv(value(a, ++i, arg));
                    case "--tags" -> c.tags = csv(value(a, ++i, arg));
                    case "--samples" -> {
                        String v = value(a, ++i, arg);
                        try {
                            c.samples = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--samples needs a number, got '" + v + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (!c.once && (!c.providers.isEmpty() || !c.tags.isEmpty() || c.samples != null || c.force
                    || (c.waitForBudget && c.experiment == null))) {
                throw new IllegalArgumentException("--providers, --tags, --samples, --force and --wait-for-budget go "
                        + "with --once");
            }
            if (c.experiment != null && (c.once || c.createToken != null)) {
                throw new IllegalArgumentException("--experiment is a command of its own (not with --once or "
                        + "--create-token)");
            }
            if (c.readOnly && c.createToken == null) {
                throw new IllegalArgumentException("--read-only goes with --create-token");
            }
            if (c.once && c.createToken != null) {
                throw new IllegalArgumentException("--once and --create-token are separate commands");
            }
            if (c.rebuildRollups && (c.once || c.createToken != null)) {
                throw new IllegalArgumentException("--rebuild-rollups is a command of its own");
            }
            return c;
        }

        private static String value(List<String> a, int i, String opt) {
            if (i >= a.size()) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            return a.get(i);
        }

        private static List<String> csv(String v) {
            return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
    }

}
