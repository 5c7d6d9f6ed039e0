package dev.sightline.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.api.ApiAuth;
import dev.sightline.api.Body;
import dev.sightline.api.Http;
import dev.sightline.jobs.Job;
import dev.sightline.jobs.JobRepository;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.WorkspaceFile;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * {@code POST /api/workspace/apply-profile}: a person accepted a brand profile (as proposed, {@code {"jobId": n}},
 * or as they edited it, {@code {"profile": {...}}}); it is merged into the workspace's file, which is written back
 * (the previous content kept as {@code <file>.<UTC time>.bak}, the newest {@value #KEPT_BACKUPS} of them) and
 * imported, so the change holds at the next start too.
 */
public final class ProfileApi {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileApi.class);
    private static final Set<String> FIELDS = Set.of("jobId", "profile");
    // every string is written quoted: a plain scalar such as 0x11, 1e3, 017 or no would be read back as a number or
    // a boolean (a competitor "0x11" becoming 17, and the file refused at the next start)
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
    private static final java.time.format.DateTimeFormatter BACKUP_STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(java.time.ZoneOffset.UTC);

    /** Backups of a workspace file kept; older ones are removed when a new one is written. */
    static final int KEPT_BACKUPS = 20;
    private static final java.util.regex.Pattern BACKUP_NAME = java.util.regex.Pattern.compile("\\.\\d{8}-\\d{6}-\\d{3}\\.bak");

    private final JobRepository jobs;
    private final WorkspaceRepository workspaces;
    private final List<String> workspaceFiles;

    /** @param workspaceFiles {@code sightline.workspace.file}: where each workspace's definition lives */
    public ProfileApi(JobRepository jobs, WorkspaceRepository workspaces, List<String> workspaceFiles) {
        this.jobs = jobs;
        this.workspaces = workspaces;
        this.workspaceFiles = List.copyOf(workspaceFiles);
    }

    public void apply(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        JsonNode body = Body.object(ex, FIELDS);
        JsonNode proposal = proposal(ws, body);
        String slug = workspaces.get(ws).slug();
        Map<String, Object> out;
        synchronized (this) {
            Path file = fileOf(slug);
            ObjectNode current = readTree(file);
            ProfileMerge.Result r = ProfileMerge.merge(current, proposal);
            WorkspaceFile parsed;
            try {
                parsed = WorkspaceFile.parse(file.toString(), r.merged());
            } catch (WorkspaceFile.InvalidWorkspaceException e) {
                throw Rejection.invalid("profile", "the merged workspace would be invalid: " + e.getMessage());
            }
            Path backup = null;
            if (r.changed()) {
                backup = write(file, r.merged(), parsed);
                workspaces.importFile(parsed);
                LOG.info("Profile applied to workspace '{}' ({}): {}", slug, file, r.changes());
            }
            out = new LinkedHashMap<>();
            out.put("workspace", slug);
            out.put("changed", r.changed());
            out.put("changes", r.changes());
            out.put("file", file.toString());
            out.put("backup", backup == null ? null : backup.toString());
        }
        Http.reply(ex, 200, out);
    }

    private JsonNode proposal(long ws, JsonNode body) {
        if (body.hasNonNull("jobId") == body.hasNonNull("profile")) {
            throw Rejection.invalid(null, "give either jobId (a brand-profile job's proposal as it is) or profile "
                    + "(the proposal as accepted)");
        }
        if (body.hasNonNull("profile")) {
            return body.get("profile");
        }
        JsonNode id = body.get("jobId");
        if (!id.isIntegralNumber() || id.asLong() <= 0) {
            throw Rejection.invalid("jobId", "jobId must be a positive integer");
        }
        Job job = jobs.find(ws, id.asLong()).orElseThrow(() -> Rejection.notFound("job " + id.asLong()));
        if (!job.kind().equals(Job.BRAND_PROFILE) || !job.status().equals("succeeded") || job.result() == null) {
            throw Rejection.conflict("no_profile", "job " + job.id() + " is a " + job.kind() + " job that is "
                    + job.status() + ": only a succeeded brand-profile job has a profile to apply");
        }
        JsonNode result = Json.parseObject(job.result());
        return result == null ? null : result.get("proposal");
    }

    /**
     * Removes all but the newest {@code keep} dated backups of a file ({@code <file>.<yyyyMMdd-HHmmss-SSS>.bak}, which
     * sort by name as by time); anything else beside it is left alone. A backup that cannot be removed is logged.
     */
    static void pruneBackups(Path file, int keep) {
        String prefix = file.getFileName().toString();
        List<Path> backups;
        try (var siblings = Files.list(file.toAbsolutePath().getParent())) {
            backups = siblings.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && BACKUP_NAME.matcher(n.substring(prefix.length())).matches();
            }).sorted().toList();
        } catch (IOException e) {
            LOG.warn("Cannot list the backups of {}: {}", file, e.getMessage());
            return;
        }
        for (Path old : backups.subList(0, Math.max(0, backups.size() - keep))) {
            removeQuietly(old, "the old backup");
        }
    }

    /** Removes a file this class wrote; one that cannot be removed is logged, not thrown. */
    private static void removeQuietly(Path file, String what) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot remove {} {}: {}", what, file, e.getMessage());
        }
    }

    /** The file the workspace was imported from (sightline.workspace.file). */
    private Path fileOf(String slug) {
        for (String f : workspaceFiles) {
            Path p = Path.of(f);
            try {
                if (WorkspaceFile.read(p).slug().equals(slug)) {
                    return p;
                }
            } catch (WorkspaceFile.InvalidWorkspaceException e) {
                // another workspace's file that changed since the start: not this one's
            }
        }
        throw Rejection.conflict("workspace_file_unknown", "workspace '" + slug + "' was not imported from a file "
                + "this node knows (sightline.workspace.file)");
    }

    /** The file's content, from the working folder or (for the demo) the jar, as WorkspaceFile.read finds it. */
    private static ObjectNode readTree(Path file) {
        try {
            JsonNode tree;
            if (Files.exists(file)) {
                tree = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
            } else {
                try (InputStream in = ProfileApi.class.getClassLoader()
                        .getResourceAsStream(file.toString().replace('\\', '/'))) {
                    if (in == null) {
                        throw Rejection.conflict("workspace_file_unknown", "workspace file " + file + " is gone");
                    }
                    tree = YAML.readTree(in);
                }
            }
            if (!(tree instanceof ObjectNode o)) {
                throw Rejection.conflict("workspace_file_unknown", "workspace file " + file + " is not a mapping");
            }
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read workspace file " + file, e);
        }
    }

    /**
     * Writes the file atomically, once the written text reads back (as the next start will read it) as exactly the
     * workspace that was checked; the previous content is kept beside it, one backup per change
     * ({@code <file>.<UTC time>.bak}). Returns the backup's path (or null).
     */
    private static Path write(Path file, ObjectNode content, WorkspaceFile expected) {
        Path tmp = null;
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            Files.writeString(tmp, "# merged with an accepted brand profile (POST /api/workspace/apply-profile)\n"
                    + YAML.writeValueAsString(content), StandardCharsets.UTF_8);
            WorkspaceFile reread;
            try {
                reread = WorkspaceFile.read(tmp);
            } catch (WorkspaceFile.InvalidWorkspaceException e) {
                throw Rejection.invalid("profile", "the merged workspace would not read back: " + e.getMessage()
                        .replace(tmp.toString(), file.toString()));
            }
            if (!new WorkspaceFile(reread.slug(), reread.name(), reread.category(), reread.dailyBudgetUsd(),
                    reread.brand(), reread.competitors(), reread.prompts(), reread.webhooks(), expected.source())
                    .equals(expected)) {
                throw Rejection.invalid("profile", "the merged workspace would not read back as written (a value "
                        + "changes when its file is read again); the workspace file is unchanged");
            }
            Path backup = null;
            if (Files.exists(abs)) {
                backup = abs.resolveSibling(abs.getFileName() + "." + BACKUP_STAMP.format(java.time.Instant.now())
                        + ".bak");
                Files.copy(abs, backup, StandardCopyOption.COPY_ATTRIBUTES);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            pruneBackups(abs, KEPT_BACKUPS);
            return backup == null ? null : file.resolveSibling(backup.getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write workspace file " + file, e);
        } finally {
            if (tmp != null) {
                removeQuietly(tmp, "the unused temporary file");
            }
        }
    }
}
