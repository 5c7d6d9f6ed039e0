package dev.sightline.experiment;

import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/**
 * Reads a dataset upload as it streams in, one row at a time: CSV (RFC 4180, UTF-8, a header row naming the columns)
 * or a JSON array of objects (Jackson's streaming parser; the columns are the keys in order of first appearance).
 * Nothing is held but the row being read. Every refusal names what is wrong and where: a column name empty or
 * repeated, a row with more or fewer fields than the header, bytes that are not UTF-8, a limit passed.
 */
final class DatasetReader {

    /** Receives each row as it is read, with its 0-based index. */
    interface RowSink {
        void row(int index, ObjectNode data) throws IOException;
    }

    record Result(List<String> columns, int rows, long bytes, String checksum) {
    }

    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    /** Reads one value of a row; more of the body follows it. */
    private static final ObjectReader VALUES = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private DatasetReader() {
    }

    static Result csv(InputStream body, DatasetLimits limits, RowSink sink) throws IOException {
        LimitedInput in = new LimitedInput(body, limits);
        RecordSize size = new RecordSize(new InputStreamReader(withoutBom(in), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                limits.maxLineBytes());
        List<String> columns = null;
        int rows = 0;
        try (CSVParser parser = CSVParser.builder().setReader(size).setFormat(CSV).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            while (next(records, in)) {
                CSVRecord record = records.next();
                size.sinceRecord = 0;
                if (columns == null) {
                    columns = header(record, limits);
                    continue;
                }
                if (record.size() != columns.size()) {
                    throw Rejection.invalid("body", "row " + (rows + 1) + " (line " + parser.getCurrentLineNumber()
                            + ") has " + record.size() + " field" + (record.size() == 1 ? "" : "s") + ", the header "
                            + columns.size());
                }
                rows = count(rows, limits);
                ObjectNode data = Json.object();
                for (int i = 0; i < columns.size(); i++) {
                    data.put(columns.get(i), record.get(i));
                }
                sink.row(rows - 1, data);
            }
        }
        if (columns == null) {
            throw Rejection.invalid("body", "the CSV file is empty: it needs a header row naming the columns");
        }
        return done(columns, rows, in);
    }

    static Result json(InputStream body, DatasetLimits limits, RowSink sink) throws IOException {
        LimitedInput in = new LimitedInput(body, limits);
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(limits.maxLineBytes())
                        .maxNestingDepth(64).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        Set<String> columns = new LinkedHashSet<>();
        int rows = 0;
        try (JsonParser p = factory.createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw Rejection.invalid("body", "the JSON body must be an array of objects, one per row");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    String got = t == null ? "the end of the body" : t.asString() == null ? t.name() : t.asString();
                    throw Rejection.invalid("rows[" + rows + "]", "rows[" + rows + "] must be an object (got " + got
                            + ")");
                }
                long start = p.currentTokenLocation().getByteOffset();
                ObjectNode data = Json.object();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    JsonNode value = VALUES.readTree(p);
                    if (key.isBlank()) {
                        throw Rejection.invalid("rows[" + rows + "]", "rows[" + rows + "] has an empty key: every "
                                + "key names a column");
                    }
                    if (p.currentLocation().getByteOffset() - start > limits.maxLineBytes()) {
                        throw Rejection.tooLarge("rows[" + rows + "]", "rows[" + rows + "] is longer than "
                                + limits.maxLineBytes() + " bytes (" + DatasetLimits.LINE + ")");
                    }
                    data.set(key, value);
                    if (columns.add(key) && columns.size() > limits.maxColumns()) {
                        throw Rejection.invalid("columns", "the rows have more than " + limits.maxColumns()
                                + " different keys (" + DatasetLimits.COLUMNS + ")");
                    }
                }
                rows = count(rows, limits);
                sink.row(rows - 1, data);
            }
            if (p.nextToken() != null) {
                throw Rejection.invalid("body", "nothing may follow the array (line "
                        + p.currentTokenLocation().getLineNr() + ")");
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            String what = e.getOriginalMessage();
            if (what != null && what.contains("UTF-8")) {
                throw Rejection.invalid("body", "the file is not valid UTF-8" + where + ": " + what);
            }
            throw Rejection.invalid("body", "malformed JSON" + where + ": " + what);
        }
        if (columns.isEmpty()) {
            throw Rejection.invalid("body", rows == 0 ? "the array has no rows" : "the rows have no keys");
        }
        return done(List.copyOf(columns), rows, in);
    }

    private static Result done(List<String> columns, int rows, LimitedInput in) {
        if (rows == 0) {
            throw Rejection.invalid("body", "the dataset has no rows");
        }
        return new Result(columns, rows, in.bytes(), in.checksum());
    }

    private static int count(int rows, DatasetLimits limits) {
        if (rows + 1 > limits.maxRows()) {
            throw Rejection.tooLarge("rows", "the dataset has more than " + limits.maxRows() + " rows ("
                    + DatasetLimits.ROWS + ")");
        }
        return rows + 1;
    }

    /** The next CSV record, with the parser's errors turned into refusals that say where. */
    private static boolean next(Iterator<CSVRecord> records, LimitedInput in) {
        try {
            return records.hasNext();
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            if (cause instanceof CharacterCodingException) {
                throw Rejection.invalid("body", "the file is not valid UTF-8 (near line " + in.line() + ")");
            }
            throw Rejection.invalid("body", "malformed CSV: " + cause.getMessage());
        } catch (IllegalStateException e) {
            throw Rejection.invalid("body", "malformed CSV: " + e.getMessage());
        }
    }

    private static List<String> header(CSVRecord record, DatasetLimits limits) {
        if (record.size() > limits.maxColumns()) {
            throw Rejection.invalid("columns", "the header has " + record.size() + " columns, more than "
                    + limits.maxColumns() + " (" + DatasetLimits.COLUMNS + ")");
        }
        List<String> names = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < record.size(); i++) {
            String name = record.get(i).strip();
            if (name.isEmpty()) {
                throw Rejection.invalid("columns[" + i + "]", "column " + (i + 1) + " of the header has no name");
            }
            Integer before = seen.putIfAbsent(name, i);
            if (before != null) {
                throw Rejection.invalid("columns[" + i + "]", "column name '" + name + "' is repeated (columns "
                        + (before + 1) + " and " + (i + 1) + ")");
            }
            names.add(name);
        }
        return names;
    }

    /** A UTF-8 byte order mark is not part of the first column's name. */
    private static InputStream withoutBom(InputStream in) throws IOException {
        PushbackInputStream p = new PushbackInputStream(in, 3);
        byte[] b = new byte[3];
        int n = p.readNBytes(b, 0, 3);
        boolean bom = n == 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF;
        if (!bom && n > 0) {
            p.unread(b, 0, n);
        }
        return p;
    }

    /**
     * Counts the characters read since the last record, so that one row spanning many lines (a quoted field with line
     * breaks) is bounded too, while the parser reads it and before it holds it whole. The parser reads ahead by a
     * buffer, hence the slack.
     */
    private static final class RecordSize extends FilterReader {
        private static final int READ_AHEAD = 64 * 1024;
        private final long limit;
        long sinceRecord;

        RecordSize(Reader in, int maxRowBytes) {
            super(in);
            this.limit = (long) maxRowBytes + READ_AHEAD;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            int n = super.read(cbuf, off, len);
            count(n);
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count(c >= 0 ? 1 : 0);
            return c;
        }

        private void count(int n) {
            if (n > 0 && (sinceRecord += n) > limit) {
                throw Rejection.tooLarge("body", "a row is longer than " + (limit - READ_AHEAD) + " bytes ("
                        + DatasetLimits.LINE + ")");
            }
        }
    }
}
