package dev.sightline.workspace;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.store.Jdbc;
import dev.sightline.values.EntityKind;
import dev.sightline.values.Json;
import dev.sightline.values.TrackedEntity;

/** Workspaces, their entities and prompts. Imports are upserts in one transaction. */
public final class WorkspaceRepository {

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceRepository.class);

    private static final String UPSERT_WORKSPACE = """
            INSERT INTO workspace (slug, name, category, daily_budget_usd) VALUES (?, ?, ?, ?)
            ON CONFLICT (slug) DO UPDATE SET name = excluded.name, category = excluded.category,
                   daily_budget_usd = excluded.daily_budget_usd, updated_at = now()
            RETURNING id""";
    private static final String DEACTIVATE_ENTITIES_NOT_IN = """
            UPDATE entity SET active = false, updated_at = now()
             WHERE workspace_id = ? AND active AND NOT (name = ANY (?))""";
    private static final String DEACTIVATE_OTHER_BRAND = """
            UPDATE entity SET active = false, updated_at = now()
             WHERE workspace_id = ? AND kind = 'brand' AND active AND name <> ?""";
    private static final String UPSERT_ENTITY = """
            INSERT INTO entity (workspace_id, kind, name, aliases, domains) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, name) DO UPDATE
               SET kind = excluded.kind, aliases = excluded.aliases, domains = excluded.domains, active = true,
                   updated_at = now()""";
    private static final String DEACTIVATE_PROMPTS_NOT_IN = """
            UPDATE prompt SET active = false, updated_at = now()
             WHERE workspace_id = ? AND active AND NOT (text_hash = ANY (?))""";
    /**
     * Every prompt of the file in one statement (tags as one JSON array per prompt: arrays of arrays must be
     * rectangular); a prompt that is already active with the same tags is left as it is, so a start that changes
     * nothing writes nothing.
     */
    private static final String UPSERT_PROMPTS = """
            INSERT INTO prompt (workspace_id, text, text_hash, tags)
            SELECT ?, x.text, x.hash, ARRAY(SELECT jsonb_array_elements_text(x.tags::jsonb))
              FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS x(text, hash, tags, n)
             ORDER BY x.n
            ON CONFLICT (workspace_id, text_hash) DO UPDATE SET tags = excluded.tags, active = true, updated_at = now()
             WHERE NOT prompt.active OR prompt.tags IS DISTINCT FROM excluded.tags""";
    private static final String SELECT_WORKSPACE_BY_SLUG = "SELECT id FROM workspace WHERE slug = ?";
    private static final String SELECT_WORKSPACE_BY_ID = "SELECT id, slug, name, category, daily_budget_usd FROM workspace WHERE id = ?";
    private static final String SELECT_ACTIVE_ENTITIES = """
            SELECT id, kind, name, aliases, domains FROM entity WHERE workspace_id = ? AND active
             ORDER BY kind = 'brand' DESC, id""";
    private static final String SELECT_WORKSPACE_OF_PROMPT_TEXT = """
            SELECT workspace_id FROM prompt WHERE text_hash = ? ORDER BY active DESC, id DESC LIMIT 1""";

    private final Jdbc jdbc;
    private final ConcurrentHashMap<Long, Workspace> cache = new ConcurrentHashMap<>();

    public WorkspaceRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Result of an import: ids and what changed. */
    public record ImportResult(long workspaceId, String slug, int activePrompts, int deactivatedPrompts,
                               int deactivatedEntities) {
    }

    public ImportResult importFile(WorkspaceFile f) {
        ImportResult r = jdbc.inTransaction(c -> {
            long wsId = Jdbc.queryOne(c, UPSERT_WORKSPACE, rs -> rs.getLong(1), f.slug(), f.name(), f.category(),
                    f.dailyBudgetUsd())
                    .orElseThrow();
            List<String> names = new ArrayList<>();
            names.add(f.brand().name());
            f.competitors().forEach(e -> names.add(e.name()));
            int deactivatedEntities = Jdbc.update(c, DEACTIVATE_ENTITIES_NOT_IN, wsId, names);
            Jdbc.update(c, DEACTIVATE_OTHER_BRAND, wsId, f.brand().name());
            upsertEntity(c, wsId, f.brand());
            for (WorkspaceFile.EntityDef e : f.competitors()) {
                upsertEntity(c, wsId, e);
            }
            List<String> hashes = f.prompts().stream().map(p -> textHash(p.text())).toList();
            int deactivatedPrompts = Jdbc.update(c, DEACTIVATE_PROMPTS_NOT_IN, wsId, hashes);
            Map<String, WorkspaceFile.PromptDef> byHash = new LinkedHashMap<>();
            for (WorkspaceFile.PromptDef p : f.prompts()) {
                byHash.put(textHash(p.text()), p);
            }
            Jdbc.update(c, UPSERT_PROMPTS, wsId, byHash.values().stream().map(WorkspaceFile.PromptDef::text).toList(),
                    List.copyOf(byHash.keySet()), byHash.values().stream().map(p -> Json.write(p.tags())).toList());
            return new ImportResult(wsId, f.slug(), f.prompts().size(), deactivatedPrompts, deactivatedEntities);
        });
        cache.remove(r.workspaceId());
        LOG.info("Workspace '{}' imported: {} active prompts ({} deactivated), {} competitors",
                f.slug(), r.activePrompts(), r.deactivatedPrompts(), f.competitors().size());
        return r;
    }

    private static void upsertEntity(Connection c, long wsId, WorkspaceFile.EntityDef e) throws SQLException {
        Jdbc.update(c, UPSERT_ENTITY, wsId, e.kind().json(), e.name(), e.aliases(), e.domains());
    }

    public Optional<Workspace> findBySlug(String slug) {
        return jdbc.queryOne(SELECT_WORKSPACE_BY_SLUG, rs -> rs.getLong("id"), slug).map(this::get);
    }

    /** The workspace with its active entities; cached until the next import of that workspace. */
    public Workspace get(long id) {
        return cache.computeIfAbsent(id, this::load);
    }

    public void invalidate(long id) {
        cache.remove(id);
    }

    private Workspace load(long id) {
        return jdbc.withConnection(c -> {
            var head = Jdbc.queryOne(c, SELECT_WORKSPACE_BY_ID, rs -> new Object[] {rs.getString("slug"),
                    rs.getString("name"), rs.getString("category"), rs.getBigDecimal("daily_budget_usd")}, id)
                    .orElseThrow(() -> new IllegalArgumentException("no workspace " + id));
            List<TrackedEntity> entities = Jdbc.query(c, SELECT_ACTIVE_ENTITIES, WorkspaceRepository::entity, id);
            return new Workspace(id, (String) head[0], (String) head[1], (String) head[2], (BigDecimal) head[3],
                    entities);
        });
    }

    /** Which workspace asks this prompt (the simulator uses it to know whose brand the question is about). */
    public Optional<Workspace> findByPromptText(String text) {
        return jdbc.queryOne(SELECT_WORKSPACE_OF_PROMPT_TEXT, rs -> rs.getLong(1), textHash(text.strip()))
                .map(this::get);
    }

    private static TrackedEntity entity(ResultSet rs) throws SQLException {
        return new TrackedEntity(rs.getLong("id"), rs.getString("name"),
                EntityKind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                Jdbc.strings(rs, "aliases"), Jdbc.strings(rs, "domains"));
    }

    public static String textHash(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
