package dev.sightline.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applying profiles over and over keeps the newest backups of the workspace file, not one per change for ever. */
class ProfileBackupsTest {

    @Test
    void onlyTheNewestBackupsOfTheFileAreKept(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("acme.yaml"), "workspace: {slug: acme}\n");
        for (int i = 0; i < 25; i++) {
            Files.writeString(dir.resolve(String.format("acme.yaml.20261207-1200%02d-000.bak", i)), "v" + i);
        }
        // neighbours that are no dated backup of this file are left alone
        Files.writeString(dir.resolve("acme.yaml.bak"), "hand-made");
        Files.writeString(dir.resolve("other.yaml.20261207-120000-000.bak"), "another file's");
        Files.writeString(dir.resolve("acme.yaml.20261207-120000-000.bak.txt"), "not a backup");

        ProfileApi.pruneBackups(file, 20);

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList()).containsExactlyElementsOf(
                    Stream.concat(Stream.of("acme.yaml", "acme.yaml.20261207-120000-000.bak.txt", "acme.yaml.bak",
                                    "other.yaml.20261207-120000-000.bak"),
                            java.util.stream.IntStream.range(5, 25)
                                    .mapToObj(i -> String.format("acme.yaml.20261207-1200%02d-000.bak", i)))
                            .sorted().toList());
        }
        assertThat(Files.readString(dir.resolve("acme.yaml.20261207-120024-000.bak"))).isEqualTo("v24");
    }
}
