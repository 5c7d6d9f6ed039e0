package dev.sightline.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RobotsRulesTest {

    @Test
    void theLongestMatchDecidesAndAllowWinsATie() {
        RobotsRules r = RobotsRules.parse("""
                # comment
                User-agent: *
                Disallow: /shop
                Allow: /shop/public
                Disallow: /*.pdf$
                Disallow: /search?
                """, "Sightline");
        assertThat(r.allows("/shop/cart")).isFalse();
        assertThat(r.allows("/shop/public/x")).isTrue();
        assertThat(r.allows("/files/a.pdf")).isFalse();
        assertThat(r.allows("/files/a.pdf?x=1")).isTrue();
        assertThat(r.allows("/search?q=crm")).isFalse();
        assertThat(r.allows("/search")).isTrue();
        assertThat(r.allows("/robots.txt")).isTrue();
    }

    @Test
    void aGroupNamingSightlineReplacesTheStarGroupAndAnEmptyDisallowAllowsAll() {
        String text = "User-agent: Googlebot\nUser-agent: sightline\nDisallow:\n\nUser-agent: *\nDisallow: /\n";
        assertThat(RobotsRules.parse(text, "Sightline").allows("/anything")).isTrue();
        assertThat(RobotsRules.parse(text, "OtherBot").allows("/anything")).isFalse();
        assertThat(RobotsRules.ALLOW_ALL.allows("/x")).isTrue();
        assertThat(RobotsRules.disallowAll().allows("/x")).isFalse();
    }

    @Test
    void wildcardsCannotMakeMatchingSlow() {
        String pattern = "/" + "*a".repeat(200) + "b";
        RobotsRules r = RobotsRules.parse("User-agent: *\nDisallow: " + pattern + "\n", "Sightline");
        long t0 = System.nanoTime();
        assertThat(r.allows("/" + "a".repeat(5000))).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
    }
}
