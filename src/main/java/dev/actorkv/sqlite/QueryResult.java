package dev.actorkv.sqlite;

import java.util.List;

/** The rows of a query, in order, with the statement's column names. */
public record QueryResult(List<String> columns, List<Row> rows) {
  public QueryResult {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  public int size() {
    return rows.size();
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public Row row(int index) {
    return rows.get(index);
  }

  /** The only row; throws when there are none or several. */
  public Row single() {
    if (rows.size() != 1) {
      throw new IllegalStateException("expected exactly one row, got " + rows.size());
    }
    return rows.getFirst();
  }
}
