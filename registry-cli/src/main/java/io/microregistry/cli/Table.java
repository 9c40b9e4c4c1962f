package io.microregistry.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows printed with aligned columns for a person to read. Not thread-safe; build, then {@link #print}.
 */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size() + " columns");
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            String text = cell == null ? "" : String.valueOf(cell);
            row.add(text.isEmpty() ? "-" : text);
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the header and the rows, each line prefixed by {@code indent}. */
    void print(PrintWriter out, String indent) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        line(out, indent, header, widths);
        for (List<String> row : rows) {
            line(out, indent, row, widths);
        }
        out.flush();
    }

    private static void line(PrintWriter out, String indent, List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder(indent);
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            sb.append(cell);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        out.println(sb);
    }
}
