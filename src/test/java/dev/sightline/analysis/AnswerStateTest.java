package dev.sightline.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/** Answered, refused or empty, and what a refusal does to mentions. */
class AnswerStateTest {

    private static final AnswerAnalyzer ANALYZER = new AnswerAnalyzer(List.of(
            new TrackedEntity(1, "Pipedrive", EntityKind.BRAND, List.of(), List.of("pipedrive.com")),
            new TrackedEntity(2, "HubSpot", EntityKind.COMPETITOR, List.of(), List.of("hubspot.com"))));

    private static Analysis analyse(String text) {
        return ANALYZER.analyze(text, List.of());
    }

    @Test
    void aRefusalThatRepeatsTheNamesMentionsNobody() {
        Analysis a = analyse("I can't recommend Pipedrive or HubSpot over one another, but I can help you weigh them."
                + "\n\n- Budget\n- Team size\n- Integrations\n\nFree trials are the best way to compare.");
        assertThat(a.state()).isEqualTo(AnswerState.REFUSED);
        assertThat(a.brandVisible()).isFalse();
        assertThat(a.entities()).noneMatch(EntityResult::mentioned);
    }

    @Test
    void declinesToRecommendOrBrowse() {
        assertThat(analyse("I'm sorry, but I can't help with that.").state()).isEqualTo(AnswerState.REFUSED);
        assertThat(analyse("I don't have the ability to browse the internet, so I cannot check current prices.")
                .state()).isEqualTo(AnswerState.REFUSED);
        assertThat(analyse("I'd rather not single out specific companies, since the right fit depends on you. "
                + "Here's how I'd approach the decision instead: list your must-haves.").state())
                .isEqualTo(AnswerState.REFUSED);
        assertThat(analyse("As an AI, I cannot recommend a specific CRM vendor.").state())
                .isEqualTo(AnswerState.REFUSED);
    }

    @Test
    void aDeclineFollowedByRecommendationsIsAnAnswer() {
        Analysis a = analyse("I can't browse the internet, but as of my last update HubSpot and Pipedrive were the "
                + "most popular choices for small teams.");
        assertThat(a.state()).isEqualTo(AnswerState.ANSWERED);
        assertThat(a.brandVisible()).isTrue();
        Analysis b = analyse("I can't access real-time pricing. For a 10-person startup, Pipedrive is a good fit.");
        assertThat(b.state()).isEqualTo(AnswerState.ANSWERED);
        assertThat(b.brandVisible()).isTrue();
    }

    @Test
    void adviceAgainstAndLaterCaveatsAreAnswers() {
        assertThat(analyse("I don't recommend HubSpot for tight budgets; Pipedrive is cheaper.").state())
                .isEqualTo(AnswerState.ANSWERED);
        assertThat(analyse("1. Pipedrive\n2. HubSpot\n\nI can't browse the web, so check current prices.").state())
                .isEqualTo(AnswerState.ANSWERED);
    }

    @Test
    void noWordsIsEmpty() {
        assertThat(analyse("").state()).isEqualTo(AnswerState.EMPTY);
        assertThat(analyse("  \n ... \n").state()).isEqualTo(AnswerState.EMPTY);
        assertThat(analyse("Pipedrive.").state()).isEqualTo(AnswerState.ANSWERED);
    }
}
