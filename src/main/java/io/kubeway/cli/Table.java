package io.kubeway.cli;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A table laid out exactly as {@code kubectl get} lays it out: kubectl writes tab-separated cells through Go's
 * {@code text/tabwriter} with minimum width 6, padding 3 and space padding, so every column but the last is
 * padded to its widest cell (header included) plus 3 spaces, and never narrower than 6; the last column is not
 * padded. Cells are cut at the first line break with {@code ...} appended and ESC shows as {@code ^[}, as
 * kubectl's table printer does so a message cannot break the layout or drive the terminal.
 *
 * @param headers column names, printed as given (callers pass them upper-case)
 * @param rows    one list of cells per row, each as long as {@code headers}
 */
record Table(List<String> headers, List<List<String>> rows) {
    private static final int MIN_WIDTH = 6;
    private static final int PADDING = 3;

    Table {
        headers = List.copyOf(headers);
        List<List<String>> copied = new ArrayList<>();
        for (List<String> row : rows) {
            if (row.size() != headers.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells for " + headers.size()
                        + " columns: " + row);
            }
            copied.add(row.stream().map(Table::sanitize).toList());
        }
        rows = List.copyOf(copied);
    }

    /** This table with {@code header} and one value per row put in front (kubectl's NAMESPACE column). */
    Table withFirstColumn(String header, List<String> values) {
        if (values.size() != rows.size()) {
            throw new IllegalArgumentException(values.size() + " values for " + rows.size() + " rows");
        }
        List<String> newHeaders = new ArrayList<>(List.of(header));
        newHeaders.addAll(headers);
        List<List<String>> newRows = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = new ArrayList<>(List.of(values.get(i)));
            row.addAll(rows.get(i));
            newRows.add(row);
        }
        return new Table(newHeaders, newRows);
    }

    /** The rendered table, one line per row after the header line, each ending in a newline. */
    String render() {
        int columns = headers.size();
        int[] widths = new int[columns];
        List<List<String>> lines = new ArrayList<>();
        lines.add(headers);
        lines.addAll(rows);
        for (List<String> line : lines) {
            for (int i = 0; i < columns - 1; i++) {
                widths[i] = Math.max(widths[i], Math.max(MIN_WIDTH, length(line.get(i)) + PADDING));
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : lines) {
            for (int i = 0; i < columns; i++) {
                String cell = line.get(i);
                out.append(cell);
                if (i < columns - 1) {
                    out.repeat(' ', widths[i] - length(cell));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    // tabwriter measures cells in runes, not bytes or UTF-16 units
    private static int length(String cell) {
        return cell.codePointCount(0, cell.length());
    }

    static String sanitize(String cell) {
        requireNonNull(cell, "cell");
        int cut = indexOfAny(cell, "\f\n\r");
        String kept = cut < 0 ? cell : cell.substring(0, cut);
        kept = kept.replace("\u001b", "^[");
        return cut < 0 ? kept : kept + "...";
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
