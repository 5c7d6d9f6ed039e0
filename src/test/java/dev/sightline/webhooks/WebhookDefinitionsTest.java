package dev.sightline.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import dev.sightline.workspace.WorkspaceFile;

/** Webhooks in a workspace file: what is accepted, and one message naming the file and field for the rest. */
class WebhookDefinitionsTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String BASE = """
            workspace: {slug: acme, name: Acme}
            brand: {name: Acme}
            prompts: ["Best CRM for a startup?"]
            """;

    static WorkspaceFile parse(String webhooks) throws Exception {
        JsonNode root = YAML.readTree(BASE + webhooks);
        return WorkspaceFile.parse("acme.yaml", root);
    }

    @Test
    void aWebhookHasAUrlASecretAndEvents() throws Exception {
        WorkspaceFile f = parse("""
                webhooks:
                  - {url: "https://hooks.example.com/sightline", secret: whsec-0123456789abcdef, events: [run.completed, alert.raised]}
                """);
        assertThat(f.webhooks()).hasSize(1);
        assertThat(f.webhooks().get(0).events()).containsExactly("run.completed", "alert.raised");
        assertThat(f.webhooks().get(0).toString()).doesNotContain("whsec");
        assertThat(parse("").webhooks()).isEmpty();
    }

    @Test
    void invalidDefinitionsNameTheFieldAndNeverTheSecret() {
        assertRefused("- {url: \"ftp://example.com/x\", secret: whsec-0123456789abcdef, events: [run.completed]}",
                "acme.yaml: webhooks[0].url: must be an http or https URL");
        assertRefused("- {url: \"https://user:pw@example.com/x\", secret: whsec-0123456789abcdef, events: [run.completed]}",
                "acme.yaml: webhooks[0].url: must not carry credentials");
        assertRefused("- {url: \"not a url\", secret: whsec-0123456789abcdef, events: [run.completed]}",
                "acme.yaml: webhooks[0].url: not a URL");
        assertRefused("- {url: \"https://example.com/x\", secret: whsec-0123456789abcdef, events: [run.finished]}",
                "acme.yaml: webhooks[0].events[0]: unknown event 'run.finished'");
        assertRefused("- {url: \"https://example.com/x\", secret: whsec-0123456789abcdef, events: []}",
                "acme.yaml: webhooks[0].events: name at least one of");
        assertRefused("- {url: \"https://example.com/x\", secret: short-secret, events: [run.completed]}",
                "acme.yaml: webhooks[0].secret: must be 16 to 512 characters long");
        assertRefused("- {url: \"https://example.com/x\", events: [run.completed]}",
                "acme.yaml: webhooks[0].secret: is required");
        assertRefused("- {url: \"https://example.com/x\", secret: \"${env:SIGHTLINE_NO_SUCH_VARIABLE}\", events: [run.completed]}",
                "acme.yaml: webhooks[0].secret: environment variable SIGHTLINE_NO_SUCH_VARIABLE is not set");
        assertRefused("- {url: \"https://example.com/x\", secret: whsec-0123456789abcdef, events: [run.completed], retries: 3}",
                "acme.yaml: webhooks[0].retries: unknown field");
    }

    static void assertRefused(String hook, String message) {
        assertThatThrownBy(() -> parse("webhooks:\n  " + hook + "\n"))
                .isInstanceOf(WorkspaceFile.InvalidWorkspaceException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("0123456789abcdef").hasMessageNotContaining("short-secret");
    }
}
