package dev.actorkv.sqlite;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One result row. Values are {@code Long} (INTEGER), {@code Double} (FLOAT), {@code String} (TEXT),
 * {@code byte[]} (BLOB) or null (NULL). The typed getters are strict: asking for a type the value does not
 * have throws {@link IllegalStateException} naming the column and its actual type (an INTEGER widens to
 * {@code double} in {@link #getDouble}); use the {@code OrNull} variants for nullable columns.
 */
public final class Row {
  private final List<String> columns;
  private final Object[] values;

  Row(List<String> columns, Object[] values) {
    this.columns = columns;
    this.values = values;
  }

  /** Builds a row from column names and values of the supported types (for tests and tools). */
  public static Row of(List<String> columns, List<?> values) {
    if (columns.size() != values.size()) {
      throw new IllegalArgumentException(columns.size() + " columns but " + values.size() + " values");
    }
    Object[] v = new Object[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Statement.normalize(values.get(i), i + 1);
    }
    return new Row(List.copyOf(columns), v);
  }

  public int size() {
    return values.length;
  }

  public List<String> columns() {
    return columns;
  }

  /** Index of the first column named {@code name}; throws when there is none. */
  public int indexOf(String name) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no column named \"" + name + "\" (columns: " + columns + ")");
    }
    return i;
  }

  /** The value of column {@code index} (0-based): Long, Double, String, byte[] (a copy) or null. */
  public Object get(int index) {
    Object v = values[Objects.checkIndex(index, values.length)];
    return v instanceof byte[] b ? b.clone() : v;
  }

  public Object get(String name) {
    return get(indexOf(name));
  }

  public SqlType type(int index) {
    return SqlType.ofValue(values[Objects.checkIndex(index, values.length)]);
  }

  public boolean isNull(int index) {
    return values[Objects.checkIndex(index, values.length)] == null;
  }

  public boolean isNull(String name) {
    return isNull(indexOf(name));
  }

  public long getLong(int index) {
    return (Long) typed(index, SqlType.INTEGER);
  }

  public long getLong(String name) {
    return getLong(indexOf(name));
  }

  public Long getLongOrNull(int index) {
    return isNull(index) ? null : getLong(index);
  }

  public double getDouble(int index) {
    Object v = values[Objects.checkIndex(index, values.length)];
    if (v instanceof Long l) {
      return l;
    }
    return (Double) typed(index, SqlType.FLOAT);
  }

  public double getDouble(String name) {
    return getDouble(indexOf(name));
  }

  public Double getDoubleOrNull(int index) {
    return isNull(index) ? null : getDouble(index);
  }

  public String getString(int index) {
    return (String) typed(index, SqlType.TEXT);
  }

  public String getString(String name) {
    return getString(indexOf(name));
  }

  public String getStringOrNull(int index) {
    return isNull(index) ? null : getString(index);
  }

  public byte[] getBytes(int index) {
    return ((byte[]) typed(index, SqlType.BLOB)).clone();
  }

  public byte[] getBytes(String name) {
    return getBytes(indexOf(name));
  }

  public byte[] getBytesOrNull(int index) {
    return isNull(index) ? null : getBytes(index);
  }

  private Object typed(int index, SqlType want) {
    Object v = values[Objects.checkIndex(index, values.length)];
    SqlType actual = SqlType.ofValue(v);
    if (actual != want) {
      throw new IllegalStateException("column " + index + " (\"" + columns.get(index) + "\") is " + actual + ", not " + want);
    }
    return v;
  }

  /** The values as a list (byte arrays copied), for comparisons in tests and tools. */
  public List<Object> values() {
    Object[] copy = new Object[values.length];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = get(i);
    }
    return Arrays.asList(copy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && columns.equals(r.columns) && Arrays.deepEquals(values, r.values);
  }

  @Override
  public int hashCode() {
    return 31 * columns.hashCode() + Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Row{");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object v = values[i];
      sb.append(columns.get(i)).append('=').append(v instanceof byte[] b ? "x'" + java.util.HexFormat.of().formatHex(b) + "'" : v);
    }
    return sb.append('}').toString();
  }
}
