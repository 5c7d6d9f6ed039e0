package dev.sightline.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.sightline.experiment.PromptRepository;
import dev.sightline.experiment.PromptVersion;
import dev.sightline.values.Rejection;

/** {@code /api/prompts}: experiment prompts (generator or grader) and their immutable versions. */
public final class PromptsApi {

    private static final Set<String> PROMPT_FIELDS = Set.of("name", "type");
    private static final Set<String> VERSION_FIELDS = Set.of("body");

    private final PromptRepository prompts;

    public PromptsApi(PromptRepository prompts) {
        this.prompts = prompts;
    }

    /** {@code POST /api/prompts} {@code {"name", "type"}}: 201 with the prompt. */
    public void create(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        JsonNode body = Body.object(ex, PROMPT_FIELDS);
        PromptRepository.Prompt p = prompts.create(ws, Body.text(body, "name", true), Body.text(body, "type", true));
        Http.reply(ex, 201, view(p, List.of()));
        ex.getMessage().setHeader("Location", "/api/prompts/" + p.id());
    }

    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Http.reply(ex, 200, Map.of("prompts", prompts.list(ws).stream().map(p -> view(p, null)).toList()));
    }

    public void get(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        PromptRepository.Prompt p = find(ex, ws);
        Http.reply(ex, 200, view(p, prompts.versions(ws, p.id())));
    }

    /**
     * {@code POST /api/prompts/{id}/versions} {@code {"body"}}: 201 with a new version, or 200 with the version that
     * already has this body.
     */
    public void addVersion(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        PromptRepository.Prompt p = find(ex, ws);
        JsonNode body = Body.object(ex, VERSION_FIELDS);
        PromptRepository.Added added = prompts.addVersion(ws, p.id(), Body.text(body, "body", true));
        Map<String, Object> v = version(added.version());
        v.put("created", added.created());
        Http.reply(ex, added.created() ? 201 : 200, v);
        ex.getMessage().setHeader("Location", "/api/prompts/" + p.id());
    }

    private PromptRepository.Prompt find(Exchange ex, long ws) {
        long id = Http.id(ex, "id");
        return prompts.find(ws, id).orElseThrow(() -> Rejection.notFound("prompt " + id));
    }

    private static Map<String, Object> view(PromptRepository.Prompt p, List<PromptVersion> versions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("type", p.type());
        m.put("latestVersion", p.versions() == 0 ? null : p.versions());
        m.put("createdAt", p.createdAt());
        if (versions != null) {
            m.put("versions", versions.stream().map(PromptsApi::version).toList());
        }
        return m;
    }

    static Map<String, Object> version(PromptVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.id());
        m.put("promptId", v.promptId());
        m.put("version", v.version());
        m.put("body", v.body());
        m.put("variables", v.variables());
        m.put("bodyHash", v.bodyHash());
        m.put("createdAt", v.createdAt());
        return m;
    }
}
