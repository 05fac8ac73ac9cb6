package io.nxs.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A listing for text output: a header row, then one row per item, each column as wide as its widest
 * cell (the last one unpadded). With {@code -o json} a command prints its value instead, through
 * {@link Commands#print}.
 */
final class Table {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> header) {
    this.header = header;
  }

  /** A table with these column headings. */
  static Table of(String... header) {
    return new Table(List.of(header));
  }

  /**
   * Adds a row; each cell is printed with {@link String#valueOf(Object)}.
   *
   * @throws IllegalArgumentException when the row does not have one cell per column
   */
  Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "a row needs " + header.size() + " cells, but had " + cells.length);
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object cell : cells) {
      row.add(Objects.toString(cell, "-"));
    }
    rows.add(row);
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    for (List<String> row : allRows()) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : allRows()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < widths.length - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 1));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private List<List<String>> allRows() {
    List<List<String>> all = new ArrayList<>(rows.size() + 1);
    all.add(header);
    all.addAll(rows);
    return all;
  }
}
