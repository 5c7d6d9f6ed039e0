package dev.sightline.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * An experiment described in a YAML file ({@code --experiment experiments/<file>.yaml}): the prompt's name and body,
 * the dataset's path (relative to the file), the models, the graders and the grader prompt. Every error names the
 * file and the field.
 *
 * @param request the fields of {@code POST /api/experiments} the file sets directly (models, graders, samples,
 *                graderProvider, force)
 */
public record ExperimentFile(Path path, String name, String prompt, Path dataset, String graderPrompt,
                             ObjectNode request) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("name", "prompt", "dataset", "models", "graders", "graderPrompt",
            "graderProvider", "samples", "force");

    /** A file that cannot be used, with the file and field in its message. */
    public static final class InvalidFileException extends RuntimeException {
        public InvalidFileException(String message) {
            super(message);
        }
    }

    public static ExperimentFile read(Path path) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new InvalidFileException(path + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidFileException(path + ": expected a YAML mapping with name, prompt, models, ...");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new InvalidFileException(path + ": unknown field '" + f + "' (allowed: "
                        + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        String name = text(path, root, "name", true);
        String prompt = text(path, root, "prompt", true);
        String data = text(path, root, "dataset", false);
        Path dataset = null;
        if (data != null) {
            Path base = path.toAbsolutePath().getParent();
            dataset = base == null ? Path.of(data) : base.resolve(data).normalize();
            if (!Files.isRegularFile(dataset)) {
                throw new InvalidFileException(path + ": dataset: no file " + dataset);
            }
            String lower = dataset.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!lower.endsWith(".csv") && !lower.endsWith(".json")) {
                throw new InvalidFileException(path + ": dataset: a .csv or .json file, got " + dataset.getFileName());
            }
        }
        ObjectNode request = YAML.createObjectNode();
        for (String f : new String[] {"models", "graders", "graderProvider", "samples", "force"}) {
            if (root.has(f)) {
                request.set(f, root.get(f));
            }
        }
        return new ExperimentFile(path, name, prompt, dataset, text(path, root, "graderPrompt", false), request);
    }

    /** {@code csv} or {@code json}, from the dataset's file name. */
    public String datasetFormat() {
        return dataset.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "json" : "csv";
    }

    private static String text(Path path, JsonNode root, String field, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new InvalidFileException(path + ": " + field + " is required");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new InvalidFileException(path + ": " + field + " must be a non-empty string");
        }
        return n.asText();
    }
}
