package dev.sightline.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The routes, migrations and default settings shipped in the jar, and the working folder's {@code ./routes/},
 * {@code ./sql/} and {@code ./application.properties} that replace (same relative path) or extend them. So the jar
 * runs from any folder, and an integrator changes a route by putting a file of the same name in {@code ./routes/}.
 */
public final class Resources {

    private Resources() {
    }

    /** Every route file: the jar's under {@code routes/}, each replaced by {@code ./routes/} of the same path. */
    public static List<String> routeFiles() {
        Map<String, String> byPath = new TreeMap<>();
        bundled("routes/", ".yaml").forEach(p -> byPath.put(p, "classpath:" + p));
        working(Path.of("routes"), ".yaml").forEach(p -> byPath.put("routes/" + p, "file:routes/" + p));
        return List.copyOf(byPath.values());
    }

    /**
     * A temporary folder with the jar's migrations ({@code sql/V*.sql}) and {@code ./sql/V*.sql}, the working
     * folder's replacing the jar's of the same name; delete it with {@link #deleteTree}.
     */
    public static Path mergedMigrations() {
        try {
            Path dir = Files.createTempDirectory("sightline-sql");
            ClassLoader cl = Resources.class.getClassLoader();
            for (String p : bundled("sql/", ".sql")) {
                if (isMigration(p)) {
                    try (InputStream in = cl.getResourceAsStream(p)) {
                        Files.copy(in, dir.resolve(p.substring("sql/".length())), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            for (String p : working(Path.of("sql"), ".sql")) {
                if (isMigration(p)) {
                    Files.copy(Path.of("sql", p), dir.resolve(p), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot collect the database migrations", e);
        }
    }

    private static boolean isMigration(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.startsWith("V") && name.contains("__") && path.indexOf('/', path.startsWith("sql/") ? 4 : 0) < 0;
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: nothing else depends on it
        }
    }

    /** Resource paths under {@code prefix} (such as {@code routes/}) in the jar or classes folder, with a suffix. */
    static List<String> bundled(String prefix, String suffix) {
        List<String> out = new ArrayList<>();
        try {
            Enumeration<URL> roots = Resources.class.getClassLoader().getResources(prefix);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if ("jar".equals(root.getProtocol())) {
                    JarURLConnection conn = (JarURLConnection) root.openConnection();
                    conn.setUseCaches(false);
                    try (JarFile jar = conn.getJarFile()) {
                        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                            String name = e.nextElement().getName();
                            if (name.startsWith(prefix) && name.endsWith(suffix)) {
                                out.add(name);
                            }
                        }
                    }
                } else if ("file".equals(root.getProtocol())) {
                    Path dir = Path.of(root.toURI());
                    working(dir, suffix).forEach(p -> out.add(prefix + p));
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the bundled " + prefix + " resources", e);
        }
        return out.stream().distinct().sorted().toList();
    }

    /** Files under a folder of the working directory, as relative paths with '/' separators. */
    static List<String> working(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.toAbsolutePath(), e);
        }
    }
}
