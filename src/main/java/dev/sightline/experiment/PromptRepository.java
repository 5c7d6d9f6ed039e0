package dev.sightline.experiment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Experiment prompts and their versions. A version is added only when the body changes: the same body again is the
 * version that has it (its hash), so posting a prompt file twice creates nothing.
 */
public final class PromptRepository {

    public static final String GENERATOR = "generator";
    public static final String GRADER = "grader";
    public static final int MAX_BODY = 200_000;

    public record Prompt(long id, String name, String type, Instant createdAt, int versions) {
    }

    public record Added(PromptVersion version, boolean created) {
    }

    private static final String INSERT = """
            INSERT INTO prompt_template (workspace_id, name, type) VALUES (?, ?, ?)
            ON CONFLICT (workspace_id, name) DO NOTHING
            RETURNING id""";
    private static final String PROMPT_COLUMNS = """
            SELECT t.id, t.name, t.type, t.created_at,
                   (SELECT count(*) FROM prompt_version v WHERE v.template_id = t.id) AS versions
              FROM prompt_template t""";
    private static final String LIST = PROMPT_COLUMNS + " WHERE t.workspace_id = ? ORDER BY t.id";
    private static final String BY_ID = PROMPT_COLUMNS + " WHERE t.workspace_id = ? AND t.id = ?";
    private static final String BY_NAME = PROMPT_COLUMNS + " WHERE t.workspace_id = ? AND t.name = ?";
    private static final String LOCK = "SELECT id FROM prompt_template WHERE workspace_id = ? AND id = ? FOR UPDATE";
    private static final String VERSION_COLUMNS = """
            SELECT v.id, v.template_id, t.name, t.type, v.version, v.body, v.body_hash, v.variables, v.created_at
              FROM prompt_version v JOIN prompt_template t ON t.id = v.template_id""";
    private static final String VERSIONS = VERSION_COLUMNS
            + " WHERE t.workspace_id = ? AND t.id = ? ORDER BY v.version";
    private static final String VERSION = VERSION_COLUMNS + " WHERE t.workspace_id = ? AND v.id = ?";
    private static final String VERSION_BY_HASH = VERSION_COLUMNS + " WHERE v.template_id = ? AND v.body_hash = ?";
    private static final String INSERT_VERSION = """
            INSERT INTO prompt_version (template_id, version, body, body_hash, variables)
            SELECT ?, coalesce(max(version), 0) + 1, ?, ?, ? FROM prompt_version WHERE template_id = ?
            RETURNING id""";

    private final Jdbc jdbc;

    public PromptRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Prompt create(long workspaceId, String name, String type) {
        if (name == null || name.isBlank() || name.length() > 200 || name.indexOf('\0') >= 0) {
            throw Rejection.invalid("name", "name must be 1 to 200 characters, without U+0000");
        }
        if (!GENERATOR.equals(type) && !GRADER.equals(type)) {
            throw Rejection.invalid("type", "type must be 'generator' or 'grader' (got "
                    + (type == null ? "nothing" : "'" + type + "'") + ")");
        }
        String n = name.strip();
        Optional<Long> id = jdbc.queryOne(INSERT, rs -> rs.getLong(1), workspaceId, n, type);
        if (id.isEmpty()) {
            Prompt existing = jdbc.queryOne(BY_NAME, PromptRepository::prompt, workspaceId, n).orElseThrow();
            throw Rejection.conflict("prompt_exists", "a prompt named '" + n + "' exists (id " + existing.id() + ")");
        }
        return find(workspaceId, id.get()).orElseThrow();
    }

    public List<Prompt> list(long workspaceId) {
        return jdbc.query(LIST, PromptRepository::prompt, workspaceId);
    }

    public Optional<Prompt> find(long workspaceId, long id) {
        return jdbc.queryOne(BY_ID, PromptRepository::prompt, workspaceId, id);
    }

    public List<PromptVersion> versions(long workspaceId, long promptId) {
        return jdbc.query(VERSIONS, PromptRepository::version, workspaceId, promptId);
    }

    public Optional<PromptVersion> version(long workspaceId, long versionId) {
        return jdbc.queryOne(VERSION, PromptRepository::version, workspaceId, versionId);
    }

    /** The version with this body: the existing one when the body is unchanged, else the next number. */
    public Added addVersion(long workspaceId, long promptId, String body) {
        if (body == null || body.isBlank()) {
            throw Rejection.invalid("body", "body must not be empty");
        }
        if (body.length() > MAX_BODY) {
            throw Rejection.invalid("body", "body must be at most " + MAX_BODY + " characters");
        }
        if (body.indexOf('\0') >= 0) {
            throw Rejection.invalid("body", "body must not contain U+0000 (NUL)");
        }
        String hash = WorkspaceRepository.textHash(body);
        List<String> variables = Template.of(body).variables();
        return jdbc.inTransaction(c -> {
            // one writer per prompt at a time, so version numbers have no gaps and one body gets one version
            if (Jdbc.queryOne(c, LOCK, rs -> rs.getLong(1), workspaceId, promptId).isEmpty()) {
                throw Rejection.notFound("prompt " + promptId);
            }
            Optional<PromptVersion> same = Jdbc.queryOne(c, VERSION_BY_HASH, PromptRepository::version, promptId,
                    hash);
            if (same.isPresent()) {
                return new Added(same.get(), false);
            }
            long id = Jdbc.queryOne(c, INSERT_VERSION, rs -> rs.getLong(1), promptId, body, hash, variables,
                    promptId).orElseThrow();
            return new Added(Jdbc.queryOne(c, VERSION, PromptRepository::version, workspaceId, id).orElseThrow(),
                    true);
        });
    }

    private static Prompt prompt(ResultSet rs) throws SQLException {
        return new Prompt(rs.getLong("id"), rs.getString("name"), rs.getString("type"),
                Jdbc.instant(rs, "created_at"), rs.getInt("versions"));
    }

    private static PromptVersion version(ResultSet rs) throws SQLException {
        return new PromptVersion(rs.getLong("id"), rs.getLong("template_id"), rs.getString("name"),
                rs.getString("type"), rs.getInt("version"), rs.getString("body"), rs.getString("body_hash"),
                Jdbc.strings(rs, "variables"), Jdbc.instant(rs, "created_at"));
    }
}
