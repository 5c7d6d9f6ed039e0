package dev.sightline.analysis;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sightline.values.Citation;
import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact expectations for each trap and each list style. */
class AnswerAnalyzerTest {

    private static final List<TrackedEntity> CRM = List.of(
            new TrackedEntity(1, "Pipedrive", EntityKind.BRAND, List.of(), List.of("pipedrive.com")),
            new TrackedEntity(2, "HubSpot", EntityKind.COMPETITOR, List.of("HubSpot CRM"), List.of("hubspot.com")),
            new TrackedEntity(3, "Salesforce", EntityKind.COMPETITOR, List.of(), List.of("salesforce.com")),
            new TrackedEntity(4, "monday sales CRM", EntityKind.COMPETITOR, List.of("monday CRM", "monday.com"),
                    List.of("monday.com")),
            new TrackedEntity(5, "Close", EntityKind.COMPETITOR, List.of("Close CRM"), List.of("close.com")),
            new TrackedEntity(6, "Copper", EntityKind.COMPETITOR, List.of(), List.of("copper.com")));
    private static final List<TrackedEntity> STORAGE = List.of(
            new TrackedEntity(1, "Box", EntityKind.BRAND, List.of(), List.of("box.com")),
            new TrackedEntity(2, "Dropbox", EntityKind.COMPETITOR, List.of(), List.of("dropbox.com")));
    private static final List<TrackedEntity> SEARCH = List.of(
            new TrackedEntity(1, "You.com", EntityKind.BRAND, List.of("You"), List.of("you.com")),
            new TrackedEntity(2, "Perplexity", EntityKind.COMPETITOR, List.of(), List.of("perplexity.ai")));

    private static final List<TrackedEntity> STORAGE_MORE = List.of(
            new TrackedEntity(1, "Box", EntityKind.BRAND, List.of("Box.com"), List.of("box.com")),
            new TrackedEntity(2, "Sync.com", EntityKind.COMPETITOR, List.of("Sync"), List.of("sync.com")),
            new TrackedEntity(3, "Egnyte", EntityKind.COMPETITOR, List.of(), List.of("egnyte.com")));
    private static final List<TrackedEntity> PM = List.of(
            new TrackedEntity(1, "Asana", EntityKind.BRAND, List.of(), List.of("asana.com")),
            new TrackedEntity(2, "monday.com", EntityKind.COMPETITOR, List.of("Monday"), List.of("monday.com")),
            new TrackedEntity(3, "ClickUp", EntityKind.COMPETITOR, List.of(), List.of("clickup.com")));

    private final AnswerAnalyzer crm = new AnswerAnalyzer(CRM);
    private final AnswerAnalyzer storageMore = new AnswerAnalyzer(STORAGE_MORE);
    private final AnswerAnalyzer pm = new AnswerAnalyzer(PM);
    private final AnswerAnalyzer kagi = new AnswerAnalyzer(List.of(
            new TrackedEntity(1, "Kagi", EntityKind.BRAND, List.of(), List.of("kagi.com"))));
    private final AnswerAnalyzer storage = new AnswerAnalyzer(STORAGE);
    private final AnswerAnalyzer search = new AnswerAnalyzer(SEARCH);

    /** What the rules alone say of an entity, before the sentiment model. */
    private static Sentiment ruleLabel(AnswerAnalyzer analyzer, String text, String name) {
        int e = analyzer.entities().stream().map(TrackedEntity::name).toList().indexOf(name);
        return analyzer.score(text).tallies()[e].label();
    }

    private static EntityResult result(Analysis a, String name) {
        return a.entities().stream().filter(r -> r.entity().name().equals(name)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- mentions and traps

    @Test
    void boxInsideOtherWordsIsNoMention() {
        Analysis a = storage.analyze("Keep a toolbox handy; Dropbox syncs well. Check your inbox.", List.of());
        assertThat(result(a, "Box").mentioned()).isFalse();
        assertThat(result(a, "Dropbox").count()).isEqualTo(1);
    }

    @Test
    void commonWordNeedsASignal() {
        assertThat(result(storage.analyze("Put the files in a box.", List.of()), "Box").mentioned()).isFalse();
        assertThat(result(storage.analyze("Teams that need compliance pick Box for it.", List.of()), "Box").mentioned())
                .isTrue();
        assertThat(result(crm.analyze("Close the deal faster. Close more deals.", List.of()), "Close").mentioned())
                .isFalse();
        assertThat(result(crm.analyze("Close is built for inside sales.", List.of()), "Close").mentioned()).isTrue();
        assertThat(result(crm.analyze("Close's pipeline view is clean.", List.of()), "Close").mentioned()).isTrue();
        assertThat(result(crm.analyze("We use close crm daily.", List.of()), "Close").mentioned()).isTrue();
        assertThat(result(crm.analyze("The price of copper wire rose.", List.of()), "Copper").mentioned()).isFalse();
        assertThat(result(crm.analyze("Copper integrates with Google Workspace.", List.of()), "Copper").mentioned())
                .isTrue();
        assertThat(result(crm.analyze("Deals closed on Monday; enclose the contract.", List.of()), "Close")
                .mentioned()).isFalse();
    }

    @Test
    void weekdayIsNotMondayCrm() {
        Analysis a = crm.analyze("Review your pipeline every Monday. monday.com's CRM is visual.", List.of());
        EntityResult monday = result(a, "monday sales CRM");
        assertThat(monday.count()).isEqualTo(1);
        assertThat(monday.evidence().get(0).start()).isEqualTo(35);
    }

    // ---------------------------------------------------------------- common-word names in prose

    private static boolean brandSeen(String name, String text) {
        AnswerAnalyzer analyzer = new AnswerAnalyzer(List.of(
                new TrackedEntity(1, name, EntityKind.BRAND, List.of(), List.of(name.toLowerCase() + ".com")),
                new TrackedEntity(2, "Asana", EntityKind.COMPETITOR, List.of(), List.of("asana.com"))));
        return analyzer.analyze(text, List.of()).brandVisible();
    }

    private static final List<String> COMMON_WORD_NAMES = List.of("Monday", "Notion", "Linear", "Wave", "Kit", "Drip",
            "Purple", "Close", "Box");

    @Test
    void aCommonWordNameCountsAsASubjectOrTheObjectOfARecommendation() {
        for (String name : COMMON_WORD_NAMES) {
            for (String s : List.of("%s is a great project tool.", "I recommend %s for agencies.",
                    "Avoid %s: it is overpriced.", "For agencies I'd go with %s.",
                    "Teams switching to %s love its boards.",
                    "%s offers automations on every plan.", "%s costs $12 per seat.", "%s integrates with Slack.",
                    "%s lets you build dashboards.", "Consider %s if you need dashboards.", "We chose %s over Asana.",
                    "I recommend **%s** for agencies.", "%s also offers a free tier.", "Asana or %s? Try %s first.")) {
                String text = s.formatted(name, name);
                assertThat(brandSeen(name, text)).as(text).isTrue();
            }
        }
    }

    /** A plan or tier after a common-word name leading a list item: "1. **Tidal Family** — ...". */
    @Test
    void aCommonWordNameBeforeAPlanNameLeadsItsItem() {
        for (String name : List.of("Tidal", "Apple Music", "Wave")) {
            for (String plan : List.of("Family", "Duo", "Student", "Deluxe", "Max")) {
                String text = "Options:\n\n1. **Asana Premium** — fine.\n2. **%s %s** — About the same cost.\n"
                        .formatted(name, plan);
                assertThat(brandSeen(name, text)).as(text).isTrue();
            }
        }
        assertThat(brandSeen("Tidal", "Tidal family life on the coast runs by the moon.")).isFalse();
    }

    /**
     * A common-word name opening an option's heading or lead counts when a sibling opens with an accepted name
     * ("### 2. Ring Spotlight Cam Pro" after "### 1. Arlo Pro 5"); an ordinary word opening a tip, a sentence, among
     * other tips does not.
     */
    @Test
    void aCommonWordNameOpeningAnOptionAmongNamedSiblingsCounts() {
        AnswerAnalyzer cams = new AnswerAnalyzer(List.of(
                new TrackedEntity(1, "Arlo", EntityKind.BRAND, List.of(), List.of("arlo.com")),
                new TrackedEntity(2, "Ring", EntityKind.COMPETITOR, List.of(), List.of("ring.com")),
                new TrackedEntity(3, "Level", EntityKind.COMPETITOR, List.of(), List.of("level.co"))));
        Analysis ranked = cams.analyze("The top picks:\n\n### 1. Arlo Pro 5S 2K\nSharp video.\n\n"
                + "### 2. Ring Spotlight Cam Pro\nBright lights.\n\n### 3. Level Lock Touch\nA hidden lock.", List.of());
        assertThat(result(ranked, "Ring").mentioned()).isTrue();
        assertThat(result(ranked, "Ring").listRank()).isEqualTo(2);
        assertThat(result(ranked, "Level").listRank()).isEqualTo(3);
        Analysis bullets = cams.analyze("Options:\n\n- **Arlo Essential** — cheap.\n- **Ring Stick Up Cam** — simple.",
                List.of());
        assertThat(result(bullets, "Ring").listRank()).isEqualTo(2);
        // tips: the ordinary words open their bullets, and no sibling opens with a name
        Analysis tips = cams.analyze("Before mounting:\n\n- Level the bracket first.\n- Ring the installer if unsure."
                + "\n- Arlo's app shows the angle.", List.of());
        assertThat(result(tips, "Level").mentioned()).isFalse();
        assertThat(result(tips, "Ring").mentioned()).isFalse();
    }

    /** A common-word name in bold of its own is meant, in prose too; so is one before a model number in a table. */
    @Test
    void aCommonWordNameInBoldOrBeforeAModelInATableCounts() {
        assertThat(brandSeen("Hippo", "Also worth a quote: **Hippo**, whose policies include leak sensors.")).isTrue();
        assertThat(brandSeen("Hippo", "A hippo, whose habitat is the river.")).isFalse();
        assertThat(brandSeen("Wave", "| Model | Price |\n|---|---|\n| Wave HS360S | $300 |\n| Asana X1 | $200 |"))
                .isTrue();
        assertThat(brandSeen("Wave", "| Season | Surf |\n|---|---|\n| Wave Height | 2 m |")).isFalse();
    }

    @Test
    void aWeekdayNameIsNoMentionWhereItReadsAsADate() {
        for (String s : List.of("We meet on Monday.", "Every Monday we plan the week.",
                "Monday morning standups keep us aligned.", "Send the report by Monday.", "Work from Monday to Friday.",
                "Plan next Monday's sprint.", "The first Monday of the month is review day.",
                "Monday is a public holiday in many countries.", "Monday is the best day to post.",
                "Monday meetings run long.", "Deadlines land on Monday, March 3.",
                "Our standup is at 9am every Monday.",
                "Friday and Monday are off.", "Monday-Friday support hours apply.", "Nothing ships until Monday.",
                "It has been quiet since Monday.", "Last Monday the release slipped.", "Book it for this Monday.",
                // a date wins over a recommending verb
                "Try Monday morning for your launch.", "I recommend posting on Monday.",
                "Use Monday at 9am for reviews.")) {
            assertThat(brandSeen("Monday", s)).as(s).isFalse();
        }
        // the same answer can do both
        Analysis both = new AnswerAnalyzer(PM).analyze(
                "We plan every Monday. For agencies I recommend Monday: its dashboards are clear.", List.of());
        assertThat(evidence(both, "monday.com")).containsExactly("47:53");
    }

    @Test
    void aCommonWordNameUsedAsTheWordIsNoMention() {
        for (String[] c : List.of(
                new String[]{"Notion", "I had a notion that pricing would rise."},
                new String[]{"Notion", "The notion of a workspace is broad."},
                new String[]{"Linear", "Growth was linear this year."},
                new String[]{"Linear", "Linear regression is enough here."},
                new String[]{"Linear", "## Linear Algebra For Beginners"},
                new String[]{"Wave", "A wave of layoffs hit startups."},
                new String[]{"Wave", "Wave goodbye to spreadsheets."},
                new String[]{"Wave", "Ride the wave. Wave after wave of updates followed."},
                new String[]{"Kit", "Buy a starter kit first."},
                new String[]{"Kit", "Kit out your team with laptops."},
                new String[]{"Drip", "Drip campaigns nurture leads."},
                new String[]{"Drip", "Fix the drip in the sink."},
                new String[]{"Purple", "Paint the wall purple."},
                new String[]{"Purple", "Purple buttons convert better."},
                new String[]{"Close", "Close the deal faster."},
                new String[]{"Close", "The store is close to the station."},
                new String[]{"Box", "Put the files in a box."},
                new String[]{"Box", "Box up the old laptops."})) {
            assertThat(brandSeen(c[0], c[1])).as(c[1]).isFalse();
        }
        // an ordinary use elsewhere leaves a verb after the name at a sentence start no signal
        assertThat(brandSeen("Wave", "Ride the wave. Wave offers invoicing.")).isFalse();
        assertThat(brandSeen("Wave", "Ride the wave. I recommend Wave for invoicing.")).isTrue();
    }

    @Test
    void pronounYouIsNotYouCom() {
        Analysis a = search.analyze("You can try Perplexity. You'll like it, and you.com is fine too.", List.of());
        assertThat(result(a, "You.com").count()).isEqualTo(1);
        assertThat(result(a, "Perplexity").mentioned()).isTrue();
    }

    @Test
    void possessivesAllCapsAndPunctuation() {
        Analysis a = crm.analyze("HUBSPOT! HubSpot's pricing is clear. Salesforce? Pipedrive, maybe.", List.of());
        assertThat(result(a, "HubSpot").count()).isEqualTo(2);
        assertThat(result(a, "Salesforce").mentioned()).isTrue();
        assertThat(result(a, "Pipedrive").mentioned()).isTrue();
        Evidence first = result(a, "HubSpot").evidence().get(0);
        assertThat(first.start()).isZero();
        assertThat(first.end()).isEqualTo(7);
    }

    @Test
    void urlsLinkTargetsAndEmailsAreNoMentions() {
        Analysis a = crm.analyze("See https://www.hubspot.com/pricing and [this review](https://g2.com/salesforce) "
                + "or mail sales@pipedrive.com.", List.of());
        assertThat(result(a, "HubSpot").mentioned()).isFalse();
        assertThat(result(a, "Salesforce").mentioned()).isFalse();
        assertThat(result(a, "Pipedrive").mentioned()).isFalse();
        Analysis linked = crm.analyze("Try [HubSpot](https://www.hubspot.com/).", List.of());
        assertThat(result(linked, "HubSpot").count()).isEqualTo(1);
    }

    @Test
    void refusalIsNoMention() {
        Analysis a = crm.analyze("I don't have information about Copper. I'm not familiar with Close CRM, "
                + "but HubSpot is a solid choice.", List.of());
        assertThat(result(a, "Copper").mentioned()).isFalse();
        assertThat(result(a, "Close").mentioned()).isFalse();
        assertThat(result(a, "HubSpot").mentioned()).isTrue();
        assertThat(a.brandVisible()).isFalse();
        assertThat(a.shareOfVoice()).isZero();
    }

    @Test
    void aliasesShareOfVoiceAndOrder() {
        Analysis a = crm.analyze("monday CRM and HubSpot CRM are fine, but Pipedrive wins.", List.of());
        assertThat(result(a, "monday sales CRM").mentionOrder()).isEqualTo(1);
        assertThat(result(a, "HubSpot").mentionOrder()).isEqualTo(2);
        assertThat(result(a, "Pipedrive").mentionOrder()).isEqualTo(3);
        assertThat(a.brandVisible()).isTrue();
        assertThat(a.shareOfVoice()).isEqualTo(1.0 / 3);
        assertThat(result(a, "Close").sentiment()).isNull();
    }

    // ---------------------------------------------------------------- names with punctuation

    private static final List<TrackedEntity> PUNCTUATED = List.of(
            new TrackedEntity(1, "C++ (Pro)", EntityKind.BRAND, List.of(".* [x]"), List.of()),
            new TrackedEntity(2, "HubSpot", EntityKind.COMPETITOR, List.of(), List.of()));
    private static final List<TrackedEntity> BRANDS = List.of(
            new TrackedEntity(1, "AT&T", EntityKind.BRAND, List.of(), List.of("att.com")),
            new TrackedEntity(2, "Yahoo!", EntityKind.COMPETITOR, List.of(), List.of("yahoo.com")),
            new TrackedEntity(3, "E*TRADE", EntityKind.COMPETITOR, List.of(), List.of("etrade.com")),
            new TrackedEntity(4, "Booking.com", EntityKind.COMPETITOR, List.of(), List.of("booking.com")),
            new TrackedEntity(5, "monday.com", EntityKind.COMPETITOR, List.of(), List.of("monday.com")),
            new TrackedEntity(6, "Toys\"R\"Us", EntityKind.COMPETITOR, List.of(), List.of("toysrus.com")),
            new TrackedEntity(7, "Node.js", EntityKind.COMPETITOR, List.of(), List.of("nodejs.org")),
            new TrackedEntity(8, ".NET", EntityKind.COMPETITOR, List.of(), List.of("dot.net")),
            new TrackedEntity(9, "C++", EntityKind.COMPETITOR, List.of(), List.of("isocpp.org")));
    private final AnswerAnalyzer brands = new AnswerAnalyzer(BRANDS);

    private static List<String> mentioned(AnswerAnalyzer analyzer, String text) {
        Analysis a = analyzer.analyze(text, List.of());
        return a.entities().stream().filter(EntityResult::mentioned).map(r -> r.entity().name()).toList();
    }

    private static List<String> evidence(Analysis a, String name) {
        return result(a, name).evidence().stream().map(e -> e.start() + ":" + e.end()).toList();
    }

    @Test
    void namesWithPunctuationAreMatchedLiterallyAndWhole() {
        var analyzer = new AnswerAnalyzer(PUNCTUATED);
        Analysis a = analyzer.analyze("HubSpot is great, and C++ (Pro) is also good. Nothing here matches .* or [x].",
                List.of());
        EntityResult pro = a.entities().get(0);
        assertThat(pro.mentioned()).isTrue();
        assertThat(pro.count()).isEqualTo(1); // the alias ".* [x]" is text, not a pattern, and "x" alone is not it
        assertThat(pro.evidence().get(0)).extracting(Evidence::start, Evidence::end, Evidence::snippet)
                .containsExactly(22, 31, "HubSpot is great, and C++ (Pro) is also good.");
        Analysis ranked = analyzer.analyze("1. **HubSpot** is great.\n2. **C++ (Pro)** is also good.", List.of());
        assertThat(result(ranked, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(ranked, "C++ (Pro)").listRank()).isEqualTo(2);
        assertThat(mentioned(analyzer, "C+ and Pro and x are not the names.")).isEmpty();
        assertThat(mentioned(analyzer, "C++ Pro, C++ (pro and C++(Pro) are not it either.")).isEmpty();
        Analysis alias = analyzer.analyze("The pattern .* [x] is literal here.", List.of());
        assertThat(evidence(alias, "C++ (Pro)")).containsExactly("12:18");
    }

    @Test
    void realBrandNamesWithPunctuation() {
        String text = "AT&T's network is wide. Yahoo! still runs mail. E*TRADE, Booking.com and monday.com are listed; "
                + "Toys\"R\"Us and Toys“R”Us reopened. Node.js and .NET compete. C++ is fast.";
        Analysis a = brands.analyze(text, List.of());
        assertThat(evidence(a, "AT&T")).containsExactly("0:4");
        assertThat(evidence(a, "Yahoo!")).containsExactly("24:30");
        assertThat(evidence(a, "E*TRADE")).containsExactly("48:55");
        assertThat(evidence(a, "Booking.com")).containsExactly("57:68");
        assertThat(evidence(a, "monday.com")).containsExactly("73:83");
        assertThat(evidence(a, "Toys\"R\"Us")).containsExactly("96:105", "110:119");
        assertThat(evidence(a, "Node.js")).containsExactly("130:137");
        assertThat(evidence(a, ".NET")).containsExactly("142:146");
        assertThat(evidence(a, "C++")).containsExactly("156:159");
        assertThat(a.entities()).allSatisfy(r -> assertThat(r.mentioned()).isTrue());
    }

    @Test
    void punctuationOfTheNameThenPunctuationOfTheSentence() {
        Analysis a = brands.analyze("I still use Yahoo!. Try Yahoo!, AT&T. Then C++! And C++? Also .NET.", List.of());
        assertThat(evidence(a, "Yahoo!")).containsExactly("12:18", "24:30");
        assertThat(evidence(a, "AT&T")).containsExactly("32:36");
        assertThat(evidence(a, "C++")).containsExactly("43:46", "52:55");
        assertThat(evidence(a, ".NET")).containsExactly("62:66");
        // the name's own "!" ends no sentence
        Analysis mail = brands.analyze("Yahoo! Mail is excellent and reliable.", List.of());
        assertThat(result(mail, "Yahoo!").evidence().get(0).snippet()).isEqualTo("Yahoo! Mail is excellent and reliable.");
        assertThat(result(mail, "Yahoo!").sentiment()).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void punctuatedNamesKeepWholeWordBoundaries() {
        assertThat(mentioned(brands, "C+++ is not a language, and C++11 is a standard.")).isEmpty();
        assertThat(mentioned(brands, "ASP.NET and VB.NET are other names; a .net domain is cheap.")).isEmpty();
        assertThat(mentioned(brands, "Yahoo is written without its exclamation mark here.")).isEmpty();
        assertThat(mentioned(brands, "ATT, AT and T, E TRADE, Booking com and NodeJS are not written as the names."))
                .isEmpty();
        assertThat(mentioned(brands, "See https://www.att.com/plans and mail help@booking.com.")).isEmpty();
        assertThat(mentioned(brands, "AT & T (with spaces) is AT&T.")).containsExactly("AT&T");
        AnswerAnalyzer c = new AnswerAnalyzer(List.of(
                new TrackedEntity(1, "C", EntityKind.BRAND, List.of(), List.of()),
                new TrackedEntity(2, "C#", EntityKind.COMPETITOR, List.of(), List.of())));
        Analysis langs = c.analyze("C# is managed; C++ is not tracked.", List.of());
        assertThat(evidence(langs, "C#")).containsExactly("0:2");
        assertThat(result(langs, "C").mentioned()).isFalse();
    }

    @Test
    void listLeadsWithPunctuatedNames() {
        Analysis bold = brands.analyze("1. **E*TRADE** – options.\n2. **Yahoo!** – mail.\n3. **AT&T's plans** – wide.\n"
                + "4. **.NET (Core)** – fast.", List.of());
        assertThat(result(bold, "E*TRADE").listRank()).isEqualTo(1);
        assertThat(result(bold, "Yahoo!").listRank()).isEqualTo(2);
        assertThat(result(bold, "AT&T").listRank()).isEqualTo(3);
        assertThat(result(bold, ".NET").listRank()).isEqualTo(4);
        Analysis headings = brands.analyze("## 1. Booking.com\nBig.\n\n## 2. Toys\"R\"Us\nToys.\n\n## 3. C++\nFast.",
                List.of());
        assertThat(result(headings, "Booking.com").listRank()).isEqualTo(1);
        assertThat(result(headings, "Toys\"R\"Us").listRank()).isEqualTo(2);
        assertThat(result(headings, "C++").listRank()).isEqualTo(3);
        Analysis bullets = brands.analyze("- Node.js: JS\n- C++: native\n- Yahoo!: old", List.of());
        assertThat(result(bullets, "Node.js").listRank()).isEqualTo(1);
        assertThat(result(bullets, "C++").listRank()).isEqualTo(2);
        assertThat(result(bullets, "Yahoo!").listRank()).isEqualTo(3);
        var pro = new AnswerAnalyzer(PUNCTUATED);
        Analysis heading = pro.analyze("### 1. HubSpot\nGood.\n### 2. C++ (Pro)\nBetter.", List.of());
        assertThat(result(heading, "C++ (Pro)").listRank()).isEqualTo(2);
        Analysis lines = pro.analyze("**HubSpot**\nGood.\n\n**C++ (Pro)**\nBetter.", List.of());
        assertThat(result(lines, "C++ (Pro)").listRank()).isEqualTo(2);
    }

    private final AnswerAnalyzer social = new AnswerAnalyzer(List.of(
            new TrackedEntity(1, "Bluesky", EntityKind.BRAND, List.of(), List.of("bsky.app")),
            new TrackedEntity(2, "X", EntityKind.COMPETITOR, List.of("Twitter"), List.of("x.com"))));

    @Test
    void aOneLetterNameNeedsASignalAndStandsAlone() {
        assertThat(mentioned(social, "Plot engagement on the x-axis; post 3x a day; an X-ray; 4 X 4 grid.")).isEmpty();
        assertThat(mentioned(social, "Option X is cheaper than Generation X products on Mac OS X.")).isEmpty();
        assertThat(mentioned(social, "X marks the spot. Focus on X first.")).isEmpty();
        assertThat(mentioned(social, "X is still the largest real-time network.")).containsExactly("X");
        assertThat(mentioned(social, "| Feature | Bluesky |\n|---|---|\n| Edit | X |")).containsExactly("Bluesky");
        assertThat(mentioned(social, "X (formerly Twitter) is noisy.")).containsExactly("X");
        assertThat(mentioned(social, "X's algorithm favours paid accounts.")).containsExactly("X");
        assertThat(mentioned(social, "X Premium adds an edit button.")).containsExactly("X");
        assertThat(mentioned(social, "Post on Bluesky and X.")).containsExactly("Bluesky", "X");
        assertThat(mentioned(social, "Try [X](https://x.com/home) for news.")).containsExactly("X");
        Analysis list = social.analyze("1. **X** – big.\n2. **Bluesky** – growing.", List.of());
        assertThat(result(list, "X").listRank()).isEqualTo(1);
        Analysis named = social.analyze("Twitter is now called X. X still has the most users.", List.of());
        assertThat(result(named, "X").count()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- list styles

    @Test
    void numberedListAfterIntroWithUntrackedItem() {
        Analysis a = crm.analyze("Here are my picks:\n\n1. **Nimble** – simple.\n2. **HubSpot** – free.\n"
                + "3. Pipedrive: pipelines.\n\nAlso consider Salesforce.", List.of());
        assertThat(result(a, "HubSpot").listRank()).isEqualTo(2);
        assertThat(result(a, "Pipedrive").listRank()).isEqualTo(3);
        assertThat(result(a, "Salesforce").listRank()).isNull();
    }

    @Test
    void bulletsNestedAndBodyMentions() {
        Analysis a = crm.analyze("- Pipedrive\n  - Easier than HubSpot\n  - Visual\n- Salesforce\n- Close: calling",
                List.of());
        assertThat(result(a, "Pipedrive").listRank()).isEqualTo(1);
        assertThat(result(a, "HubSpot").listRank()).isNull();
        assertThat(result(a, "Salesforce").listRank()).isEqualTo(2);
        assertThat(result(a, "Close").listRank()).isEqualTo(3);
    }

    @Test
    void headingsAndBoldLeadLines() {
        Analysis headings = crm.analyze("## Overview\nText.\n### 1. HubSpot\nGood.\n### 2. Pipedrive\nGreat.\n"
                + "## Verdict\nPick one.", List.of());
        assertThat(result(headings, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(headings, "Pipedrive").listRank()).isEqualTo(2);
        Analysis bold = crm.analyze("**Pros:** many.\n\n**Pipedrive** — visual.\n\n**Copper** — Gmail.\n\n"
                + "**Bottom line:** Pipedrive.", List.of());
        assertThat(result(bold, "Pipedrive").listRank()).isEqualTo(1);
        assertThat(result(bold, "Copper").listRank()).isEqualTo(2);
        Analysis lines = crm.analyze("**Salesforce**\nDeep.\n\n**Close**\nFast calling.", List.of());
        assertThat(result(lines, "Salesforce").listRank()).isEqualTo(1);
        assertThat(result(lines, "Close").listRank()).isEqualTo(2);
    }

    @Test
    void onlyTheFirstListOfOptionsRanks() {
        Analysis a = crm.analyze("Consider:\n- budget\n- team size\n\nPicks:\n1. HubSpot\n2. Pipedrive\n\n"
                + "Also:\n- Close\n- Salesforce", List.of());
        assertThat(result(a, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(a, "Pipedrive").listRank()).isEqualTo(2);
        assertThat(result(a, "Close").listRank()).isNull();
    }

    @Test
    void aTableGivesNoRank() {
        Analysis table = crm.analyze("| CRM | Price |\n|---|---|\n| Salesforce | $25 |\n| Close | $49 |\n\n"
                + "1. **Pipedrive** – visual.\n2. **HubSpot** – free.", List.of());
        assertThat(result(table, "Salesforce").listRank()).isNull();
        assertThat(result(table, "Close").listRank()).isNull();
        assertThat(result(table, "Pipedrive").listRank()).isEqualTo(1);
    }

    @Test
    void paragraphsOpeningWithABoldNameGiveNoRank() {
        Analysis a = crm.analyze("Here's how they compare:\n\n**HubSpot** is free to start and easy to use.\n\n"
                + "**Pipedrive** costs more, but its pipeline view is clearer.\n\n**Close** has calling built in.",
                List.of());
        assertThat(result(a, "HubSpot").listRank()).isNull();
        assertThat(result(a, "Pipedrive").listRank()).isNull();
        assertThat(result(a, "Close").listRank()).isNull();
    }

    @Test
    void sectionsPerCriterionAndTipsGiveNoRank() {
        Analysis criteria = crm.analyze("**Cost:** HubSpot is free to start.\n\n**Calling:** Close has a dialer.\n\n"
                + "**Pipelines:** Pipedrive is the clearest.", List.of());
        assertThat(criteria.entities()).allSatisfy(r -> assertThat(r.listRank()).isNull());
        Analysis bullets = crm.analyze("- **Speed:** Pipedrive is fast.\n- **Support:** HubSpot answers quickly.",
                List.of());
        assertThat(bullets.entities()).allSatisfy(r -> assertThat(r.listRank()).isNull());
        // tips that name one product in passing
        Analysis tips = crm.analyze("To check:\n\n- Pipedrive's status page lists incidents.\n"
                + "- Ask your admin.\n- Clear the browser cache.", List.of());
        assertThat(result(tips, "Pipedrive").listRank()).isNull();
        // points about the same products are not options
        Analysis points = crm.analyze("Differences:\n\n- HubSpot is broader; Pipedrive is simpler.\n"
                + "- Pipedrive's mobile app is better.\n- HubSpot's free plan is bigger.", List.of());
        assertThat(points.entities()).allSatisfy(r -> assertThat(r.listRank()).isNull());
    }

    @Test
    void aHeadingNamingAProductLineRanksItsMaker() {
        Analysis a = crm.analyze("These stand out:\n\n### 1. Sales Hub\nHubSpot's sales product adds sequences.\n\n"
                + "### 2. Nimble\nA light CRM for solo founders, simpler than HubSpot.\n\n"
                + "### 3. Sales Cloud\nThe Salesforce Sales Cloud edition is the most configurable.\n\n"
                + "### 4. LeadBooster\nA strong add-on, balancing Pipedrive's pipeline with Close's dialer.", List.of());
        assertThat(result(a, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(a, "Salesforce").listRank()).isEqualTo(3);
        assertThat(result(a, "Pipedrive").listRank()).isNull();
        assertThat(result(a, "Close").listRank()).isNull();
        Analysis choose = crm.analyze("### Choose HubSpot if…\n- you want a free start.\n\n"
                + "### Choose Pipedrive if…\n- you sell by pipeline.", List.of());
        assertThat(result(choose, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(choose, "Pipedrive").listRank()).isEqualTo(2);
    }

    /** The answer's title heading, at the options' level, is not an option; a heading inside the answer still is. */
    @Test
    void anAnswersTitleHeadingIsNotAnOption() {
        Analysis titled = crm.analyze("### Choosing between HubSpot, Pipedrive and Salesforce\n\n"
                + "All three are mature; here is how they differ.\n\n### HubSpot\nA generous free tier.\n\n"
                + "### Pipedrive\nA visual pipeline.\n\n### Salesforce\nThe most configurable.", List.of());
        assertThat(result(titled, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(titled, "Pipedrive").listRank()).isEqualTo(2);
        assertThat(result(titled, "Salesforce").listRank()).isEqualTo(3);
        Analysis untitled = crm.analyze("Here is how they differ.\n\n### Zoho Bigin\nA cheap start.\n\n"
                + "### HubSpot\nA generous free tier.\n\n### Pipedrive\nA visual pipeline.", List.of());
        assertThat(result(untitled, "HubSpot").listRank()).isEqualTo(2);
        assertThat(result(untitled, "Pipedrive").listRank()).isEqualTo(3);
    }

    /**
     * Two numbered headings of one maker are two of its products, still a list ("### 4. Henckels ..." for Zwilling);
     * a heading with a label ranks the product after it ("### Best Overall: Breville Barista Touch Impress").
     */
    @Test
    void headingsOfOneMakerAndLabelledHeadingsStillRank() {
        Analysis twice = crm.analyze("### 1. HubSpot Starter\nCheap.\n\n### 2. Pipedrive Advanced\nVisual.\n\n"
                + "### 3. HubSpot Professional\nMore automation.", List.of());
        assertThat(result(twice, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(twice, "Pipedrive").listRank()).isEqualTo(2);
        Analysis labelled = crm.analyze("### Best Overall: HubSpot Sales Hub Starter\n* **Why:** a free start.\n\n"
                + "### Best for Pipelines: Pipedrive Advanced\n* **Why:** visual deals.\n\n"
                + "### Best for Ease of Use: Zoho Bigin\n* **Why:** simple.", List.of());
        assertThat(result(labelled, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(labelled, "Pipedrive").listRank()).isEqualTo(2);
        // a label followed by a sentence about the product is a criterion, not an option
        Analysis criteria = crm.analyze("- **Ease of use:** HubSpot is more visual.\n"
                + "- **Pricing:** Pipedrive is cheaper.", List.of());
        assertThat(criteria.entities()).allSatisfy(r -> assertThat(r.listRank()).isNull());
    }

    /**
     * Paragraphs labelled with a bold name ("**DeepL:** Texts submitted...") open with a bold name: no list. A bold
     * name on a line of its own over its paragraph, or before a dash, is still an item.
     */
    @Test
    void paragraphsLabelledWithABoldNameAreNoList() {
        Analysis labelled = crm.analyze("It depends on the plan.\n\n**HubSpot:** The free CRM keeps contacts forever."
                + "\n\n**Pipedrive**: Deals are kept for the account's life.\n\n**Salesforce:** Retention is set"
                + " by the admin.", List.of());
        assertThat(labelled.entities()).allSatisfy(r -> assertThat(r.listRank()).isNull());
        Analysis priced = crm.analyze("Cheap picks:\n\n**HubSpot Starter** (~$20) is the cheapest.\n\n"
                + "**Pipedrive Essential** (~$14) adds deals.", List.of());
        assertThat(priced.entities()).allSatisfy(r -> assertThat(r.listRank()).isNull());
        Analysis dashed = crm.analyze("Options:\n\n**HubSpot** — a free start.\n\n**Pipedrive** — a visual pipeline.",
                List.of());
        assertThat(result(dashed, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(dashed, "Pipedrive").listRank()).isEqualTo(2);
        Analysis own = crm.analyze("Options:\n\n**HubSpot:**\nA free start.\n\n**Pipedrive:**\nA visual pipeline.",
                List.of());
        assertThat(result(own, "Pipedrive").listRank()).isEqualTo(2);
        Analysis bullets = crm.analyze("Options:\n\n- **HubSpot:** a free start.\n- **Pipedrive:** a visual pipeline.",
                List.of());
        assertThat(result(bullets, "Pipedrive").listRank()).isEqualTo(2);
    }

    /**
     * A heading naming two products compares them ("### HubSpot vs. Pipedrive: ..."), and lists that name the same
     * products again under each criterion compare them point by point: neither presents options.
     */
    @Test
    void comparisonsHeadedOrPointByPointAreNoList() {
        Analysis versus = crm.analyze("### HubSpot vs. Pipedrive: Free Start vs. Pipeline\n\nThey differ.\n\n"
                + "### How They Differ\nHubSpot is broader.\n\n### Pricing Details\nPipedrive is cheaper.\n\n"
                + "### Our Take\nPick by team size.", List.of());
        assertThat(versus.entities()).allSatisfy(r -> assertThat(r.listRank()).isNull());
        Analysis sections = crm.analyze("### HubSpot vs. Pipedrive for Small Teams\n\nBoth are popular.\n\n"
                + "### HubSpot\n* **Pros:** free.\n\n### Pipedrive\n* **Pros:** visual.\n\n### Verdict\nEither.",
                List.of());
        assertThat(result(sections, "HubSpot").listRank()).isEqualTo(1);
        assertThat(result(sections, "Pipedrive").listRank()).isEqualTo(2);
        String criteria = "### Reporting\n* **HubSpot:** dashboards.\n* **Pipedrive:** basic reports.\n\n"
                + "### Automation\n* **HubSpot:** workflows.\n* **Pipedrive:** simple triggers.\n\n"
                + "### Price\n* **HubSpot:** a free tier.\n* **Pipedrive:** cheap seats.";
        assertThat(crm.analyze(criteria, List.of()).entities())
                .allSatisfy(r -> assertThat(r.listRank()).isNull());
        // two lists naming the same products: an overview of options and then advice
        Analysis twice = crm.analyze("Overview:\n\n- **Pipedrive**: visual.\n- **HubSpot**: free.\n\n"
                + "Which to choose:\n\n- Choose **Pipedrive** to sell by pipeline.\n- Choose **HubSpot** to start free.",
                List.of());
        assertThat(result(twice, "Pipedrive").listRank()).isEqualTo(1);
        assertThat(result(twice, "HubSpot").listRank()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- sentiment

    @Test
    void sentimentNegationContrastAndComparison() {
        assertThat(result(crm.analyze("Salesforce is not great and no longer recommended.", List.of()),
                "Salesforce").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(crm.analyze("Salesforce is powerful but expensive.", List.of()), "Salesforce")
                .sentiment()).isEqualTo(Sentiment.MIXED);
        Analysis cmp = crm.analyze("HubSpot is easier than Salesforce.", List.of());
        assertThat(result(cmp, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(cmp, "Salesforce").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        EntityResult neutral = result(crm.analyze("Pipedrive was founded in 2010.", List.of()), "Pipedrive");
        assertThat(neutral.sentiment()).isEqualTo(Sentiment.NEUTRAL);
        assertThat(neutral.sentimentScore()).isZero();
    }

    @Test
    void aWeaknessNegatedOrMadeSmallIsAStrength() {
        for (String s : List.of("Pipedrive has no learning curve.", "Pipedrive adds little overhead.",
                "Pipedrive charges hardly any fees.", "There's barely any downtime on Pipedrive.",
                "Pipedrive needs minimal admin.", "With Pipedrive, downtime is minimal.",
                "The risk of Pipedrive disappearing is low.", "Pipedrive's learning curve is very small.",
                "Pipedrive avoids this whole category of problem.")) {
            assertThat(result(crm.analyze(s, List.of()), "Pipedrive").sentiment()).as(s).isEqualTo(Sentiment.POSITIVE);
        }
        // a cons point that lists nothing, after an adverb
        assertThat(result(crm.analyze("Pipedrive\n- **Pros:** fast and simple.\n- **Cons:** Honestly, few.",
                List.of()), "Pipedrive").sentiment()).isEqualTo(Sentiment.POSITIVE);
        // "too" meaning "also" judges nothing; "too" before an adjective is a fault
        assertThat(result(crm.analyze("Pipedrive syncs other calendars too through its plugin.", List.of()),
                "Pipedrive").sentiment()).isEqualTo(Sentiment.NEUTRAL);
        assertThat(result(crm.analyze("Pipedrive is too basic.", List.of()), "Pipedrive").sentiment())
                .isEqualTo(Sentiment.NEGATIVE);
        // a fit denied and upkeep demanded are weaknesses
        assertThat(result(crm.analyze("Pipedrive's strict pipeline isn't for everyone.", List.of()), "Pipedrive")
                .sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(crm.analyze("Pipedrive needs regular maintenance.", List.of()), "Pipedrive").sentiment())
                .isEqualTo(Sentiment.NEGATIVE);
        // a selection that is small is still a weakness
        assertThat(result(crm.analyze("Pipedrive's template library is small.", List.of()), "Pipedrive")
                .sentiment()).isEqualTo(Sentiment.NEGATIVE);
        // "a little" and "a few" mean some
        assertThat(result(crm.analyze("Pipedrive is a little slow.", List.of()), "Pipedrive").sentiment())
                .isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(crm.analyze("Pipedrive has a few bugs.", List.of()), "Pipedrive").sentiment())
                .isEqualTo(Sentiment.NEGATIVE);
        // what the product has little of is missing
        assertThat(result(crm.analyze("Pipedrive offers little reporting.", List.of()), "Pipedrive").sentiment())
                .isEqualTo(Sentiment.NEGATIVE);
    }

    @Test
    void aConcededWeaknessIsAWeakness() {
        for (String s : List.of("Pipedrive isn't the strongest on paper, yet it is reliable in practice.",
                "Pipedrive is not the flashiest, yet teams find it intuitive.",
                "Pipedrive isn't cheap, but the pipeline view is excellent.")) {
            assertThat(result(crm.analyze(s, List.of()), "Pipedrive").sentiment()).as(s).isEqualTo(Sentiment.MIXED);
        }
        // a weakness waved away is none
        assertThat(result(crm.analyze("Pipedrive is not the cheapest option, but few teams will mind.", List.of()),
                "Pipedrive").sentiment()).isEqualTo(Sentiment.NEUTRAL);
        // by the rules; the model, which has the last word, counts the price conceded as a weakness all the same
        String justified = "Pipedrive is intuitive; it isn't cheap, but the time it saves justifies the cost.";
        assertThat(ruleLabel(crm, justified, "Pipedrive")).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(crm.analyze(justified, List.of()), "Pipedrive").sentiment()).isEqualTo(Sentiment.MIXED);
        // resembling a dearer product is praise
        assertThat(result(crm.analyze("Pipedrive feels like a much pricier tool.", List.of()), "Pipedrive")
                .sentiment()).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void oneClearWeaknessMakesPraiseMixed() {
        EntityResult r = result(crm.analyze("Pipedrive is excellent, intuitive, fast and beautifully designed. "
                + "It is pricey.", List.of()), "Pipedrive");
        assertThat(r.sentiment()).isEqualTo(Sentiment.MIXED);
        assertThat(r.sentimentScore()).isPositive();
    }

    @Test
    void prosAndConsSectionsJudgeWhateverTheirWords() {
        String answer = """
                1. **Pipedrive**
                   - **Pros:** visual pipeline; hands-on onboarding
                   - **Cons:** narrow reporting options
                2. **Copper**
                   - **Pros:**
                     - Lives inside Gmail
                   - **Cons:**
                     - Not the flashiest interface, but few users will mind
                3. **Close**
                   Calling is built in.

                   **Drawbacks:**
                   - Email templates live in a separate tab
                """;
        Analysis a = crm.analyze(answer, List.of());
        assertThat(result(a, "Pipedrive").sentiment()).isEqualTo(Sentiment.MIXED);
        // the rules wave the conceded weakness away ("but few users will mind"); the model, which has the last word,
        // reads a point under "Cons:" as the weakness labellers mostly took it for
        assertThat(ruleLabel(crm, answer, "Copper")).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(a, "Copper").sentiment()).isEqualTo(Sentiment.MIXED);
        // likewise a feature stated as a fact ("Calling is built in") before the drawbacks: the rules judge nothing
        // in it, the model a strength
        assertThat(ruleLabel(crm, answer, "Close")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(a, "Close").sentiment()).isEqualTo(Sentiment.MIXED);
        Analysis table = crm.analyze("| CRM | Strengths | Weaknesses |\n|---|---|---|\n| HubSpot | Inbox | Seats |",
                List.of());
        assertThat(result(table, "HubSpot").sentiment()).isEqualTo(Sentiment.MIXED);
        // another product named in passing in a section is not its subject
        Analysis passing = crm.analyze("### Pipedrive\n**Cons:**\n- Relies on partners like HubSpot for marketing",
                List.of());
        assertThat(result(passing, "Pipedrive").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(passing, "HubSpot").sentiment()).isEqualTo(Sentiment.NEUTRAL);
    }

    @Test
    void aComparisonGivesEachSideItsOwn() {
        Analysis a = crm.analyze("Pipedrive is cheaper than Salesforce when you only need pipelines, and easy to learn.",
                List.of());
        assertThat(result(a, "Pipedrive").sentiment()).isEqualTo(Sentiment.POSITIVE);
        // only what comes before "than" judges Salesforce: "easy to learn" is Pipedrive's
        assertThat(result(a, "Salesforce").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        Analysis more = crm.analyze("Salesforce needs more admin than HubSpot.", List.of());
        assertThat(result(more, "Salesforce").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(more, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void whatIsSaidOfAProductLineIsSaidOfItsMaker() {
        Analysis a = crm.analyze("| Plan | Seats |\n|---|---|\n| HubSpot Starter | 2 |\n| Salesforce Essentials | 10 |\n\n"
                + "The Starter tier is easier to set up than Essentials.", List.of());
        assertThat(result(a, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(a, "Salesforce").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(a, "HubSpot").count()).isEqualTo(1); // a reference is no mention
    }

    @Test
    void adviceAgainstAProductIsNoPraise() {
        assertThat(result(crm.analyze("I'd avoid the cheapest Salesforce editions: support is slow.", List.of()),
                "Salesforce").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(crm.analyze("Pipedrive avoids a painful migration later.", List.of()),
                "Pipedrive").sentiment()).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void tableCellsBelongToTheirRowOrColumnAndDrawbackColumnsCount() {
        Analysis columns = crm.analyze("| | Pipedrive | HubSpot |\n|---|---|---|\n| Ease of use | Excellent | Poor |",
                List.of());
        assertThat(result(columns, "Pipedrive").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(columns, "HubSpot").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        Analysis drawbacks = crm.analyze("| CRM | Main drawback |\n|---|---|\n| HubSpot | Costs scale with contacts |",
                List.of());
        assertThat(result(drawbacks, "HubSpot").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        Analysis header = crm.analyze("### 1. Pipedrive\nSimple.\n\n| Tool | Weakness |\n|---|---|\n| Close | Price |",
                List.of());
        assertThat(result(header, "Pipedrive").sentiment()).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void theWholeAnswerIsAboutTheProductItOpensWith() {
        EntityResult k = result(kagi.analyze("Kagi is a great ad-free search engine.\n\n## Downsides\n\n"
                + "- The starter plan runs out fast.\n- Local results are weaker.", List.of()), "Kagi");
        assertThat(k.sentiment()).isEqualTo(Sentiment.MIXED);
    }

    @Test
    void aSectionEndsAtARuleOrAClosingParagraph() {
        String headings = "### 1. Pipedrive\nFounded in 2010.\n### 2. HubSpot\nFounded in 2006.\n\n---\n\n"
                + "Pricing gets expensive fast.";
        assertThat(result(crm.analyze(headings, List.of()), "HubSpot").sentiment()).isEqualTo(Sentiment.NEUTRAL);
        String bold = "**1. Pipedrive**\nFounded in 2010.\n\n**2. HubSpot**\nFounded in 2006.\n\n"
                + "**Bottom line:** expensive tools are rarely worth it.";
        assertThat(result(crm.analyze(bold, List.of()), "HubSpot").sentiment()).isEqualTo(Sentiment.NEUTRAL);
    }

    private final AnswerAnalyzer acmely = new AnswerAnalyzer(List.of(
            new TrackedEntity(1, "Acmely", EntityKind.BRAND, List.of("Acmely CRM"), List.of("acmely.com")),
            new TrackedEntity(2, "HubSpot", EntityKind.COMPETITOR, List.of(), List.of("hubspot.com")),
            new TrackedEntity(3, "Salesforce", EntityKind.COMPETITOR, List.of(), List.of()),
            new TrackedEntity(4, "Attio", EntityKind.COMPETITOR, List.of(), List.of())));

    private static String tone(Analysis a, String name) {
        EntityResult r = result(a, name);
        return r.sentiment() + " " + r.sentimentScore();
    }

    @Test
    void anUntrackedProductsCriticismIsNotTheBrands() {
        String answer = """
                Here are the CRMs I would shortlist for a 10-person sales team in 2026:

                1. **HubSpot** — generous free tier and great integrations. Pricing: https://www.hubspot.com/pricing
                2. **Acmely CRM** — excellent pipeline view; teams love its intuitive interface.
                3. **Zendesk Sell** — solid, but reporting is limited.
                4. **Salesforce** — expensive and clunky for small teams, and users complain about slow support.

                If budget matters most, Acmely is the one I'd pick. See [G2's CRM grid](https://www.g2.com/categories/crm).
                """;
        Analysis a = acmely.analyze(answer, List.of());
        // item 2 (excellent, love, intuitive) and the closing pick; item 3 is Zendesk Sell's
        assertThat(tone(a, "Acmely")).isEqualTo("POSITIVE 0.889");
        assertThat(tone(a, "HubSpot")).isEqualTo("POSITIVE 0.8");
        assertThat(tone(a, "Salesforce")).isEqualTo("NEGATIVE -0.889");
        assertThat(result(a, "Acmely").listRank()).isEqualTo(2);
        assertThat(result(a, "Salesforce").listRank()).isEqualTo(4);

        // a section under an untracked product's heading, though the answer opens about Acmely
        Analysis headings = acmely.analyze("Acmely is a great CRM.\n\n### 1. Acmely\nIntuitive.\n\n"
                + "### 2. Zendesk Sell\nReporting is limited and support is slow.", List.of());
        assertThat(tone(headings, "Acmely")).isEqualTo("POSITIVE 0.8");
        // an untracked table row
        Analysis table = acmely.analyze("Acmely is a great CRM.\n\n| CRM | Notes |\n|---|---|\n| Acmely | intuitive |\n"
                + "| Zendesk Sell | limited reporting |", List.of());
        assertThat(tone(table, "Acmely")).isEqualTo("POSITIVE 0.8");
        // a feature bullet under a tracked item is still the item's
        Analysis nested = acmely.analyze("- **Acmely CRM**: excellent.\n  - Reporting is limited.\n- **HubSpot**: free.",
                List.of());
        assertThat(tone(nested, "Acmely")).isEqualTo("MIXED 0.0");
    }

    @Test
    void aRecommendationIsPraise() {
        for (String s : List.of("If budget matters most, Acmely is the one I'd pick.", "My pick is Acmely.",
                "For a small team I'd go with Acmely.", "Acmely is my top choice.", "I'd recommend Acmely.",
                "I would pick Acmely.", "Acmely is the one I’d choose.", "My top pick: Acmely.")) {
            assertThat(tone(acmely.analyze(s, List.of()), "Acmely")).as(s).isEqualTo("POSITIVE 0.667");
        }
        assertThat(tone(acmely.analyze("You can pick Acmely's Pro plan later.", List.of()), "Acmely"))
                .isEqualTo("NEUTRAL 0.0");
    }

    @Test
    void sentimentReadsConditionsRemediesComparisonsAndNames() {
        assertThat(result(storageMore.analyze("If you have unreliable internet, Egnyte is the better fit.", List.of()),
                "Egnyte").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(crm.analyze("Starting on Salesforce can save a painful migration later.", List.of()),
                "Salesforce").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(storageMore.analyze("Box's interface feels more corporate than friendly.", List.of()), "Box")
                .sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(pm.analyze("Asana puts workload views on the Advanced plan.", List.of()), "Asana")
                .sentiment()).isEqualTo(Sentiment.NEUTRAL);
        Analysis origin = pm.analyze("Teams coming from Asana may find ClickUp overwhelming.", List.of());
        assertThat(result(origin, "Asana").sentiment()).isEqualTo(Sentiment.NEUTRAL);
        assertThat(result(origin, "ClickUp").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(crm.analyze("Salesforce is rarely worth it for small teams.", List.of()), "Salesforce")
                .sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(storageMore.analyze("Egnyte does not offer end-to-end encryption.", List.of()), "Egnyte")
                .sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(crm.analyze("Salesforce is great for complex processes.", List.of()), "Salesforce")
                .sentiment()).isEqualTo(Sentiment.POSITIVE);
    }

    private Sentiment crmSentiment(String answer, String name) {
        return result(crm.analyze(answer, List.of()), name).sentiment();
    }

    @Test
    void aContrastOpposesTheToneOfItsTwoSides() {
        // the side the lexicon cannot read takes the opposite of the side it can
        assertThat(crmSentiment("Pipedrive is intuitive, but its reports stop at the basics of the pipeline.",
                "Pipedrive")).isEqualTo(Sentiment.MIXED);
        assertThat(crmSentiment("Pipedrive is quick to learn, though the mobile app trails the web version.",
                "Pipedrive")).isEqualTo(Sentiment.MIXED);
        // on a list point, the first side too: a feature before "but" is offered as a strength
        assertThat(crmSentiment("- **Pipedrive** – calling and email sync built in, but reporting is clunky.",
                "Pipedrive")).isEqualTo(Sentiment.MIXED);
        // in prose, a fact before "but" is a set-up, not a strength
        assertThat(crmSentiment("Pipedrive also has a free plan, but it is limited to two users.", "Pipedrive"))
                .isEqualTo(Sentiment.NEGATIVE);
        // two products, two sides: nothing to infer
        Analysis two = crm.analyze("HubSpot is excellent for marketing, while Pipedrive sells to small teams.",
                List.of());
        assertThat(result(two, "Pipedrive").sentiment()).isEqualTo(Sentiment.NEUTRAL);
        // "but also", "but if" oppose nothing
        assertThat(crmSentiment("Pipedrive is not only intuitive but also syncs with Gmail.", "Pipedrive"))
                .isEqualTo(Sentiment.POSITIVE);
        assertThat(crmSentiment("Pipedrive is intuitive, but if you sell to enterprises look at contracts first.",
                "Pipedrive")).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void aFrontedComparisonRunsOnAfterItsCommaAndItsContrast() {
        Analysis a = crm.analyze("Compared with Salesforce, Pipedrive is more intuitive but also more limited.",
                List.of());
        assertThat(result(a, "Pipedrive").sentiment()).isEqualTo(Sentiment.MIXED);
        assertThat(result(a, "Salesforce").sentiment()).isEqualTo(Sentiment.MIXED);
        Analysis versus = crm.analyze("Close scores higher in reviews versus Copper.", List.of());
        assertThat(result(versus, "Close").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(versus, "Copper").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        Analysis unlike = crm.analyze("Unlike HubSpot, Copper lives inside Gmail and is cheaper.", List.of());
        assertThat(result(unlike, "HubSpot").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(unlike, "Copper").sentiment()).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void lessAndFewerReachTheJudgementTheyQualify() {
        Analysis a = crm.analyze("Pipedrive gets fewer customer-service complaints than Salesforce.", List.of());
        assertThat(result(a, "Pipedrive").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(a, "Salesforce").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Copper's mobile app is less polished.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
    }

    @Test
    void restrictionsFaintPraiseAndMissingFeatures() {
        assertThat(crmSentiment("Copper offers email and chat support only.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Copper's forecasting is only adequate.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Copper doesn't have a dialer at all.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
        // no obligation is no missing feature; in a table, "only" states a fact
        assertThat(crmSentiment("With Copper you don't have to leave Gmail.", "Copper")).isEqualTo(Sentiment.NEUTRAL);
        assertThat(crmSentiment("| CRM | Currency |\n|---|---|\n| Copper | USD only |", "Copper"))
                .isEqualTo(Sentiment.NEUTRAL);
    }

    @Test
    void concessionsAdviceAwayAndOwners() {
        // "even if" concedes, it sets no condition
        assertThat(crmSentiment("You may still prefer Pipedrive, even if its reports are clunky.", "Pipedrive"))
                .isEqualTo(Sentiment.MIXED);
        assertThat(crmSentiment("I'd steer you away from Copper for a sales team of fifty.", "Copper"))
                .isEqualTo(Sentiment.NEGATIVE);
        Analysis owned = crm.analyze("Close is a reputable CRM, owned by Salesforce since 2024.", List.of());
        assertThat(result(owned, "Close").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(owned, "Salesforce").sentiment()).isEqualTo(Sentiment.NEUTRAL);
    }

    @Test
    void sizesOfASelectionAndPlentyJudge() {
        assertThat(crmSentiment("HubSpot has a huge marketplace of integrations.", "HubSpot"))
                .isEqualTo(Sentiment.POSITIVE);
        assertThat(crmSentiment("Copper has a smaller integration library.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Close comes with lots of calling features.", "Close")).isEqualTo(Sentiment.POSITIVE);
        assertThat(crmSentiment("Salesforce comes with complexity.", "Salesforce")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Salesforce differs from Close in complexity.", "Salesforce"))
                .isEqualTo(Sentiment.NEUTRAL);
    }

    @Test
    void comparativesBeyondThan() {
        assertThat(crmSentiment("Pipedrive's sync is patchier than it used to be.", "Pipedrive"))
                .isEqualTo(Sentiment.NEGATIVE);
        Analysis behind = crm.analyze("Pipedrive's reporting is a step behind HubSpot.", List.of());
        assertThat(result(behind, "Pipedrive").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(behind, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
        Analysis que = crm.analyze("Pipedrive es más limitado que HubSpot.", List.of());
        assertThat(result(que, "Pipedrive").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(que, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
        // ", so ..." is a clause of its own: the name compared against is not judged by it
        Analysis so = crm.analyze("Pipedrive's app is fine, but clearly behind HubSpot, so if you call a lot, "
                + "you'd give up speed for price.", List.of());
        assertThat(result(so, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(so, "Pipedrive").sentiment()).isEqualTo(Sentiment.MIXED);
    }

    @Test
    void onceSetsAConditionAndHardToRecommendIsNoRecommendation() {
        assertThat(crmSentiment("Pipedrive is often added later, once a team needs a dedicated admin.", "Pipedrive"))
                .isEqualTo(Sentiment.NEUTRAL);
        assertThat(crmSentiment("Pipedrive is hard to recommend for large teams.", "Pipedrive"))
                .isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Pipedrive's main limitation is forecasting.", "Pipedrive"))
                .isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Other well-known CRMs include Pipedrive.", "Pipedrive")).isEqualTo(Sentiment.NEUTRAL);
    }

    @Test
    void aCapabilityOpeningAnOptionsDescriptionIsAStrength() {
        Analysis a = crm.analyze("""
                Good CRMs for field sales:

                1. **Pipedrive** – Supports offline mode on both mobile apps.
                2. **HubSpot** – A CRM from the marketing suite of the same name.
                """, List.of());
        assertThat(result(a, "Pipedrive").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(a, "HubSpot").sentiment()).isEqualTo(Sentiment.NEUTRAL);
    }

    @Test
    void recommendingAnActionPraisesNoProduct() {
        assertThat(crmSentiment("Salesforce's own docs recommend exporting reports before a migration.",
                "Salesforce")).isEqualTo(Sentiment.NEUTRAL);
        assertThat(crmSentiment("Salesforce recommends against storing card numbers in notes.", "Salesforce"))
                .isEqualTo(Sentiment.NEUTRAL);
        assertThat(crmSentiment("Most reviewers recommend Pipedrive.", "Pipedrive")).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void aBroaderReviewLexicon() {
        assertThat(crmSentiment("Support at Close is hit-or-miss.", "Close")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Copper is a well-rounded, highly rated CRM.", "Copper")).isEqualTo(Sentiment.POSITIVE);
        assertThat(crmSentiment("Salesforce's plans start well above that budget.", "Salesforce"))
                .isEqualTo(Sentiment.NEUTRAL);
    }

    @Test
    void missingFeaturesComparisonListsAndWhatIsNotTheProduct() {
        // a point opening with "No" and a negated "available" are missing features
        assertThat(crmSentiment("- **Copper:** No built-in dialer.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Close isn't available in Germany.", "Close")).isEqualTo(Sentiment.NEGATIVE);
        // "behind" puts every name of its list ahead
        Analysis behind = crm.analyze("Pipedrive's reporting is a step behind HubSpot and Salesforce.", List.of());
        assertThat(result(behind, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
        assertThat(result(behind, "Salesforce").sentiment()).isEqualTo(Sentiment.POSITIVE);
        // the reader's course and use are no product; praise before a fault sizes it; price moves judge
        assertThat(crmSentiment("A practical approach is to export from Pipedrive first.", "Pipedrive"))
                .isEqualTo(Sentiment.NEUTRAL);
        assertThat(crmSentiment("For competitive sales teams, skip Copper.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Copper has well-documented problems with sync.", "Copper"))
                .isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Pipedrive has raised its prices twice since 2023.", "Pipedrive"))
                .isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Copper is basic compared with Close.", "Copper")).isEqualTo(Sentiment.NEGATIVE);
        assertThat(crmSentiment("Close has low added latency on calls.", "Close")).isEqualTo(Sentiment.POSITIVE);
        // a difference is no weakness; a caveat inside a paragraph heads its own sentence only
        assertThat(crmSentiment("HubSpot and Pipedrive are both solid CRMs, but they target different teams.",
                "Pipedrive")).isEqualTo(Sentiment.POSITIVE);
        assertThat(crmSentiment("Both are fine. One caveat: renewal prices change constantly, so check before "
                + "buying. If you need a dialer, Close is worth considering instead.", "Close"))
                .isEqualTo(Sentiment.POSITIVE);
        // "; however," weighs the clause before it
        assertThat(crmSentiment("""
                Good options:

                1. **Close** – Built-in dialer for call-heavy teams; however, reporting can be inconsistent.
                2. **Copper** – Lives inside Gmail.
                """, "Close")).isEqualTo(Sentiment.MIXED);
    }

    @Test
    void aLabelLeadIsAboutTheEntityOnlyWhenItIsTheName() {
        Analysis a = pm.analyze("- **Ease of use**: monday.com is easier to set up.\n- **Pricing**: Asana costs more.",
                List.of());
        assertThat(result(a, "monday.com").listRank()).isNull();
        assertThat(result(a, "Asana").listRank()).isNull();
        Analysis b = crm.analyze("## Option A: Pipedrive\nSimple.\n\n## Option B: HubSpot\nBroad.", List.of());
        assertThat(result(b, "Pipedrive").listRank()).isEqualTo(1);
        assertThat(result(b, "HubSpot").listRank()).isEqualTo(2);
    }

    @Test
    void aCommonWordTheAnswerUsesInLowercaseNeedsMoreThanASentenceStart() {
        Analysis feature = storageMore.analyze("Block-level sync is fast.\n\n**Drawbacks:** Sync struggles with large files.",
                List.of());
        assertThat(result(feature, "Sync.com").mentioned()).isFalse();
        assertThat(result(storageMore.analyze("Sync offers zero-knowledge encryption.", List.of()), "Sync.com")
                .mentioned()).isTrue();
        assertThat(result(storageMore.analyze("Box can get expensive once you add Shield.", List.of()), "Box")
                .mentioned()).isTrue();
    }

    @Test
    void aCommonWordMakerBeforeAModelNameInALeadIsAMention() {
        AnswerAnalyzer bikes = new AnswerAnalyzer(List.of(
                new TrackedEntity(1, "Trek", EntityKind.BRAND, List.of(), List.of("trekbikes.com")),
                new TrackedEntity(2, "Gazelle", EntityKind.COMPETITOR, List.of(), List.of("gazelle.nl"))));
        Analysis a = bikes.analyze("""
                ## Trek Allant+ 7
                Smooth Bosch motor.

                ## Gazelle Ultimate C380+
                Belt drive, little maintenance.
                """, List.of());
        assertThat(result(a, "Trek").listRank()).isEqualTo(1);
        assertThat(result(a, "Gazelle").listRank()).isEqualTo(2);
        // a title of common words is no model name
        assertThat(result(bikes.analyze("## Trek Planning Tips\nPack water.", List.of()), "Trek").mentioned())
                .isFalse();
    }

    @Test
    void refusalWithInfo() {
        assertThat(result(crm.analyze("I don't have info about Copper.", List.of()), "Copper").mentioned()).isFalse();
    }

    @Test
    void unnumberedSectionsOfProductLinesAreAListWhenTheirMakersAreNamed() {
        Analysis a = crm.analyze("""
                ### Smart Docs
                Pipedrive's document add-on sends quotes from the deal.

                ### Sales Hub
                HubSpot's sales suite adds sequences and calling.

                ### Key Considerations
                Budget matters most.
                """, List.of());
        assertThat(result(a, "Pipedrive").listRank()).isEqualTo(1);
        assertThat(result(a, "HubSpot").listRank()).isEqualTo(2);
        // one such section is no list
        Analysis one = crm.analyze("### Smart Docs\nPipedrive's document add-on sends quotes.\n\n"
                + "### Key Considerations\nBudget matters most.\n", List.of());
        assertThat(result(one, "Pipedrive").listRank()).isNull();
    }

    @Test
    void aChoreSparedIsAStrengthAMissingFeatureAWeakness() {
        for (String s : List.of("Pipedrive works in the browser with no installation.",
                "Pipedrive needs no account for guests.", "Guests join Pipedrive without an account.",
                "Pipedrive comes with no subscription at all.")) {
            assertThat(result(crm.analyze(s, List.of()), "Pipedrive").sentiment()).as(s).isEqualTo(Sentiment.POSITIVE);
        }
        for (String s : List.of("Pipedrive has no mobile app.", "Pipedrive has no account manager for small teams.")) {
            assertThat(result(crm.analyze(s, List.of()), "Pipedrive").sentiment()).as(s).isEqualTo(Sentiment.NEGATIVE);
        }
    }

    @Test
    void aLimitIsANounUnlessItLimitsSomething() {
        for (String s : List.of("Pipedrive has medical limits of up to $1 million.", "Pipedrive: time limit: none.",
                "Pipedrive's limits vary by plan.")) {
            assertThat(result(crm.analyze(s, List.of()), "Pipedrive").sentiment()).as(s).isEqualTo(Sentiment.NEUTRAL);
        }
        assertThat(result(crm.analyze("Pipedrive limits you to three users.", List.of()), "Pipedrive").sentiment())
                .isEqualTo(Sentiment.NEGATIVE);
    }

    @Test
    void trailingPutsTheOthersAheadAndAConditionIsNoWeakness() {
        Analysis a = crm.analyze("Reporting in Pipedrive trails the HubSpot CRM suite.", List.of());
        assertThat(result(a, "Pipedrive").sentiment()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(result(a, "HubSpot").sentiment()).isEqualTo(Sentiment.POSITIVE);
        String s = "For a small team I'd lean towards Pipedrive, though it depends on how you sell.";
        assertThat(result(crm.analyze(s, List.of()), "Pipedrive").sentiment()).as(s).isEqualTo(Sentiment.POSITIVE);
    }

    // ---------------------------------------------------------------- citations

    @Test
    void citationsNativeTextMarkersAndOwners() {
        List<Citation> nativeList = List.of(
                new Citation("https://www.pipedrive.com/en/pricing", "Pricing", null, "citations"),
                new Citation("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AB12", "hubspot.com",
                        "hubspot.com", "grounding_chunk"));
        Analysis a = crm.analyze("Pipedrive is cheap[1][2]. See (https://www.pipedrive.com/en/pricing) and "
                + "https://blog.close.com:443/post?utm_source=x). Also [G2](https://www.g2.com/crm), "
                + "http://192.168.0.1/admin and https://localhost:8080/x.", nativeList);
        assertThat(a.citations()).extracting(CitedSource::domain)
                .containsExactly("pipedrive.com", "hubspot.com", "close.com", "g2.com", "192.168.0.1", "localhost");
        assertThat(a.citations().get(0)).isEqualTo(new CitedSource("https://www.pipedrive.com/en/pricing",
                "pipedrive.com", Owner.BRAND, "Pipedrive", "native", 1));
        assertThat(a.citations().get(1).owner()).isEqualTo(Owner.COMPETITOR);
        assertThat(a.citations().get(1).marker()).isEqualTo(2);
        assertThat(a.citations().get(2)).isEqualTo(new CitedSource("https://blog.close.com:443/post?utm_source=x",
                "close.com", Owner.COMPETITOR, "Close", "text", null));
        assertThat(a.citations().get(3).owner()).isEqualTo(Owner.OTHER);
    }

    @Test
    void analyzerIsReusableAndVersioned() {
        Analysis a = crm.analyze("", null);
        assertThat(a.analyzerVersion()).isEqualTo(AnswerAnalyzer.VERSION);
        assertThat(a.entities()).hasSize(CRM.size());
        assertThat(a.citations()).isEmpty();
    }
}
