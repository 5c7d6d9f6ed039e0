package dev.sightline.experiment;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/**
 * Datasets of an experiment's variables. An upload is read as it streams in ({@link DatasetReader}) into a spool file
 * of one normalised row per line, so neither the file nor its rows are ever held in memory and no database
 * connection waits on a slow client; once the whole upload was read and found valid, the dataset and its rows are
 * inserted in one transaction. A refused upload stores nothing.
 */
public final class Datasets {

    private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);

    public record Dataset(long id, String name, String format, List<String> columns, int rows, long bytes,
                          String checksum, Instant createdAt) {
    }

    public record Row(int index, JsonNode data, String checksum) {
    }

    private static final String INSERT = """
            INSERT INTO dataset (workspace_id, name, format, columns, row_count, bytes, checksum)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""";
    private static final String COPY_ROWS = "COPY dataset_row (dataset_id, row_index, data, checksum) FROM STDIN";
    private static final String COLUMNS = """
            SELECT id, name, format, columns, row_count, bytes, checksum, created_at FROM dataset""";
    private static final String LIST = COLUMNS + " WHERE workspace_id = ? ORDER BY id DESC LIMIT ?";
    private static final String BY_ID = COLUMNS + " WHERE workspace_id = ? AND id = ?";
    private static final String SAME = COLUMNS
            + " WHERE workspace_id = ? AND name = ? AND checksum = ? ORDER BY id DESC LIMIT 1";
    private static final String ROWS = """
            SELECT r.row_index, r.data::text AS data, r.checksum
              FROM dataset_row r JOIN dataset d ON d.id = r.dataset_id
             WHERE d.workspace_id = ? AND r.dataset_id = ? AND r.row_index > ?
             ORDER BY r.row_index
             LIMIT ?""";

    private final Jdbc jdbc;
    private final DatasetLimits limits;

    public Datasets(Jdbc jdbc, DatasetLimits limits) {
        this.jdbc = jdbc;
        this.limits = limits;
    }

    public DatasetLimits limits() {
        return limits;
    }

    /**
     * Reads an upload and stores it.
     *
     * @param format {@code csv} or {@code json}
     */
    public Dataset importFrom(long workspaceId, String name, String format, InputStream body) {
        if (name == null || name.isBlank() || name.strip().length() > 200 || name.indexOf('\0') >= 0) {
            throw Rejection.invalid("name", "name (a query parameter) must be 1 to 200 characters, without U+0000");
        }
        Path spool = null;
        long t0 = System.nanoTime();
        try {
            spool = Files.createTempFile("sightline-dataset-", ".jsonl");
            DatasetReader.Result read;
            try (BufferedWriter out = Files.newBufferedWriter(spool, StandardCharsets.UTF_8)) {
                MessageDigest digest = sha256();
                DatasetReader.RowSink sink = (index, data) -> {
                    String json = Json.write(data);
                    if (json.contains("\\u0000")) {
                        throw Rejection.invalid("rows[" + index + "]", "row " + (index + 1) + " contains U+0000 "
                                + "(NUL), which cannot be stored");
                    }
                    out.write(HexFormat.of().formatHex(digest.digest(json.getBytes(StandardCharsets.UTF_8))));
                    out.write('\t');
                    out.write(json);
                    out.write('\n');
                };
                read = "csv".equals(format) ? DatasetReader.csv(body, limits, sink)
                        : DatasetReader.json(body, limits, sink);
            }
            Path rows = spool;
            DatasetReader.Result r = read;
            long t1 = System.nanoTime();
            long id = jdbc.inTransaction(c -> {
                long datasetId = Jdbc.queryOne(c, INSERT, rs -> rs.getLong(1), workspaceId, name.strip(), format,
                        r.columns(), r.rows(), r.bytes(), r.checksum()).orElseThrow();
                insertRows(c, datasetId, rows);
                return datasetId;
            });
            LOG.info("Dataset {} '{}' stored: {} rows x {} columns ({} bytes of {}; read in {} ms, stored in {} ms)",
                    id, name.strip(), r.rows(), r.columns().size(), r.bytes(), format, (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
            return find(workspaceId, id).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the dataset upload failed: " + e.getMessage(), e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    LOG.warn("Could not delete the spool file {}: {}", spool, e.getMessage());
                }
            }
        }
    }

    /**
     * The spooled rows into {@code dataset_row} with COPY, read from the spool as the server takes them (100,000 rows
     * of half a kilobyte: 3.9 s against 4.5 s for batched inserts of arrays, on a busy machine).
     */
    private static void insertRows(Connection c, long datasetId, Path spool) throws SQLException {
        try (BufferedReader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            Reader rows = new CopyRows(in, datasetId);
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_ROWS, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The spool's lines ({@code checksum TAB json}) as COPY's text format: one row per line, tabs between columns. */
    private static final class CopyRows extends Reader {
        private final BufferedReader spool;
        private final String prefix;
        private final StringBuilder line = new StringBuilder(1024);
        private int pos;
        private int index;
        private boolean done;

        CopyRows(BufferedReader spool, long datasetId) {
            this.spool = spool;
            this.prefix = datasetId + "\t";
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            while (pos >= line.length()) {
                if (done) {
                    return -1;
                }
                String next = spool.readLine();
                line.setLength(0);
                pos = 0;
                if (next == null) {
                    done = true;
                    return -1;
                }
                int tab = next.indexOf('\t');
                line.append(prefix).append(index++).append('\t');
                // JSON text has no raw tab or line break; its backslashes are COPY's escape character
                for (int i = tab + 1; i < next.length(); i++) {
                    char ch = next.charAt(i);
                    if (ch == '\\') {
                        line.append('\\');
                    }
                    line.append(ch);
                }
                line.append('\t').append(next, 0, tab).append('\n');
            }
            int n = Math.min(len, line.length() - pos);
            line.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            // the spool reader is closed by its owner
        }
    }

    public List<Dataset> list(long workspaceId, int limit) {
        return jdbc.query(LIST, Datasets::dataset, workspaceId, limit);
    }

    public Optional<Dataset> find(long workspaceId, long id) {
        return jdbc.queryOne(BY_ID, Datasets::dataset, workspaceId, id);
    }

    /** The latest dataset of this name whose file had this SHA-256 (the same upload again). */
    public Optional<Dataset> findSame(long workspaceId, String name, String checksum) {
        return jdbc.queryOne(SAME, Datasets::dataset, workspaceId, name, checksum);
    }

    /** Rows after the index {@code after} (-1: from the first), in order. */
    public List<Row> rows(long workspaceId, long datasetId, int after, int limit) {
        return jdbc.query(ROWS, rs -> new Row(rs.getInt("row_index"), parse(rs.getString("data")),
                rs.getString("checksum")), workspaceId, datasetId, after, limit);
    }

    /** A row's value for a placeholder: strings as they are, other JSON values as JSON, nothing as empty. */
    static String value(JsonNode row, String column) {
        JsonNode v = row == null ? null : row.get(column);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        return v.isTextual() ? v.asText() : v.toString();
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored dataset row is not JSON", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Dataset dataset(ResultSet rs) throws SQLException {
        return new Dataset(rs.getLong("id"), rs.getString("name"), rs.getString("format"),
                Jdbc.strings(rs, "columns"), rs.getInt("row_count"), rs.getLong("bytes"), rs.getString("checksum"),
                Jdbc.instant(rs, "created_at"));
    }
}
