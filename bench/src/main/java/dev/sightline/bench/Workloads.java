package dev.sightline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sightline.workspace.WorkspaceFile;

/**
 * Benchmark workspaces: the demo workspace's brand and competitors with as many prompts as a measurement needs.
 * Prompt texts are the demo's buyer questions with a team size appended, so the simulated answers read like the
 * demo's (lists, tables, prose, citations) and every prompt is distinct.
 */
final class Workloads {

    static final String WARMUP_TAG = "set:warmup";
    static final String MEASURED_TAG = "set:measured";
    private static final Path DEMO = Path.of("examples/demo.yaml");

    private Workloads() {
    }

    /**
     * Writes a workspace with {@code prompts} prompts tagged {@link #MEASURED_TAG} and {@code warmup} more, all
     * different, tagged {@link #WARMUP_TAG}, so warm-up runs and measured runs ask different questions of one kind.
     */
    static Path workspace(Path dir, int prompts, int warmup) throws IOException {
        return workspace(dir, prompts, warmup, i -> List.of());
    }

    /** As above, with {@code extraTags.apply(i)} added to prompt {@code i} (to run a subset with {@code --tags}). */
    static Path workspace(Path dir, int prompts, int warmup, IntFunction<List<String>> extraTags) throws IOException {
        WorkspaceFile demo = WorkspaceFile.read(DEMO);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("workspace", Map.of("slug", "bench", "name", "Benchmark", "category", demo.category()));
        root.put("brand", entity(demo.brand()));
        List<Object> competitors = new ArrayList<>();
        demo.competitors().forEach(c -> competitors.add(entity(c)));
        root.put("competitors", competitors);
        List<Object> ps = new ArrayList<>(prompts + warmup);
        List<WorkspaceFile.PromptDef> base = demo.prompts();
        for (int i = 0; i < prompts + warmup; i++) {
            WorkspaceFile.PromptDef b = base.get(i % base.size());
            List<String> tags = new ArrayList<>(b.tags());
            tags.add(i < prompts ? MEASURED_TAG : WARMUP_TAG);
            tags.addAll(extraTags.apply(i));
            ps.add(Map.of("text", text(b, i, base.size()), "tags", tags));
        }
        root.put("prompts", ps);
        Path file = dir.resolve("workspace.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), root);
        return file;
    }

    /** The first {@code n} prompt texts of {@link #workspace}, in its order (for a tool that is not Sightline). */
    static List<String> promptTexts(int n) throws IOException {
        List<WorkspaceFile.PromptDef> base = WorkspaceFile.read(DEMO).prompts();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(text(base.get(i % base.size()), i, base.size()));
        }
        return out;
    }

    private static String text(WorkspaceFile.PromptDef base, int i, int baseSize) {
        return base.text() + " We are a team of " + (i / baseSize + 2) + " people.";
    }

    private static Map<String, Object> entity(WorkspaceFile.EntityDef e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("aliases", e.aliases());
        m.put("domains", e.domains());
        return m;
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
