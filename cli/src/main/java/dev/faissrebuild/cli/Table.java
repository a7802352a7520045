package dev.faissrebuild.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns sized to their content; numbers align right. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object c : cells) row.add(String.valueOf(c));
        rows.add(row);
        return this;
    }

    public void print(PrintWriter out) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) width[i] = header.get(i).length();
        for (List<String> r : rows) {
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], r.get(i).length());
        }
        line(out, header, width);
        StringBuilder rule = new StringBuilder();
        for (int w : width) rule.append("-".repeat(w)).append("  ");
        out.println(rule.toString().stripTrailing());
        for (List<String> r : rows) line(out, r, width);
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            String c = cells.get(i);
            boolean numeric = !c.isEmpty() && c.matches("[-+0-9.,%]+( ?[a-zA-Z]{1,3})?");
            sb.append(numeric ? " ".repeat(width[i] - c.length()) + c : c + " ".repeat(width[i] - c.length())).append("  ");
        }
        out.println(sb.toString().stripTrailing());
    }
}
