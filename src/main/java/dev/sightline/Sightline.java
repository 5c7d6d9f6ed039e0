package dev.sightline;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import dev.sightline.config.ConfigException;
import dev.sightline.workspace.WorkspaceFile;

/**
 * Command line: {@code java -jar target/sightline.jar} runs the service (schedule, REST API) until stopped;
 * {@code --once} runs one sweep for the default workspace, shows progress, prints the summary and exits.
 */
public final class Sightline {

    /** Exit codes of {@code --once}. */
    public static final int OK = 0;
    public static final int RUN_HAD_FAILURES = 3;
    public static final int RUN_CANCELLED = 4;
    public static final int BAD_CONFIGURATION = 2;
    public static final int ERROR = 1;

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
        Properties overrides = new Properties();
        if (cli.once || cli.createToken != null) {
            // a one-off sweep neither fires the daily schedule nor needs the configured API port
            overrides.setProperty("sightline.schedule.enabled", "false");
            if (System.getProperty("camel.server.port") == null && System.getenv("CAMEL_SERVER_PORT") == null) {
                overrides.setProperty("camel.server.port", "0");
            }
        }
        SightlineApp app = new SightlineApp(overrides);
        try {
            if (cli.createToken != null) {
                app.start();
                try {
                    var ws = app.parts().workspaces().findBySlug(cli.createToken);
                    if (ws.isEmpty()) {
                        err.println("sightline: no workspace '" + cli.createToken + "' (workspaces come from sightline.workspace.file)");
                        return BAD_CONFIGURATION;
                    }
                    var token = app.parts().tokens().create(ws.get().id(), cli.tokenName);
                    out.println(token.token());
                    err.println("API token '" + cli.tokenName + "' for workspace '" + cli.createToken
                            + "' created; it is shown only now");
                    return OK;
                } finally {
                    app.stop();
                }
            }
            if (cli.once) {
                app.start();
                try {
                    return new OnceRunner(app, out).run(cli.providers, cli.tags, cli.samples, cli.force);
                } finally {
                    app.stop();
                }
            }
            app.run();
            return OK;
        } catch (ConfigException | WorkspaceFile.InvalidWorkspaceException e) {
            err.println("sightline: " + e.getMessage());
            app.stop();
            return BAD_CONFIGURATION;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                if (root instanceof ConfigException) {
                    break;
                }
                root = root.getCause();
            }
            err.println("sightline: " + (root instanceof ConfigException ? root.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage()));
            app.stop();
            return root instanceof ConfigException ? BAD_CONFIGURATION : ERROR;
        }
    }

    static final class Cli {
        static final String USAGE = """
                usage: java -jar target/sightline.jar [--once [--providers a,b] [--tags t1,t2] [--samples N] [--force]]
                       java -jar target/sightline.jar --create-token WORKSPACE [--name NAME]
                  (no option)   run the service: daily schedule and REST API, until stopped
                  --create-token  print a new API token for a workspace (by slug) and exit
                  --once        run one sweep for the default workspace, print the summary and exit
                                (exit 0: completed; 3: completed with failed cells; 4: cancelled; 1: error; 2: bad configuration)
                  --providers   only these providers (default: every enabled provider)
                  --tags        only prompts with one of these tags
                  --samples     times each prompt is asked per provider (default: sightline.schedule.samples)
                  --force       start even if the estimate exceeds what is left of today's budget
                Settings come from ./application.properties, -Dkey=value and environment variables (see README.md).""";

        boolean once;
        boolean help;
        boolean force;
        String createToken;
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
                    case "--create-token" -> c.createToken = value(a, ++i, arg);
                    case "--name" -> c.tokenName = value(a, ++i, arg);
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
            if (!c.once && (!c.providers.isEmpty() || !c.tags.isEmpty() || c.samples != null || c.force)) {
                throw new IllegalArgumentException("--providers, --tags, --samples and --force go with --once");
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
