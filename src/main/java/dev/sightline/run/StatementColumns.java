package dev.sightline.run;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Message;

/**
 * Rows of one table as columns, turned into typed arrays: the parameters of a statement that inserts them with
 * {@code unnest} (camel-jdbc reads them from headers of these names).
 */
public final class StatementColumns {

    private final List<List<Object>> columns = new ArrayList<>();

    public StatementColumns(int width) {
        for (int i = 0; i < width; i++) {
            columns.add(new ArrayList<>());
        }
    }

    public void add(Object... row) {
        if (row.length != columns.size()) {
            throw new IllegalArgumentException(row.length + " values for " + columns.size() + " columns");
        }
        for (int i = 0; i < row.length; i++) {
            columns.get(i).add(row[i]);
        }
    }

    public int size() {
        return columns.isEmpty() ? 0 : columns.get(0).size();
    }

    public void toHeaders(Message m, String[] names, Class<?>[] types) {
        for (int i = 0; i < names.length; i++) {
            Object[] array = (Object[]) java.lang.reflect.Array.newInstance(types[i], columns.get(i).size());
            m.setHeader(names[i], columns.get(i).toArray(array));
        }
    }
}
