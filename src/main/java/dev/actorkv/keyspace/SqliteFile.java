package dev.actorkv.keyspace;

/** The files of an actor's SQLite database and their one-byte tags in SQLite keys. */
public enum SqliteFile {
  MAIN("main", 0),
  JOURNAL("journal", 1),
  WAL("wal", 2),
  SHM("shm", 3);

  private final String jsonName;
  private final byte tag;

  SqliteFile(String jsonName, int tag) {
    this.jsonName = jsonName;
    this.tag = (byte) tag;
  }

  public String jsonName() {
    return jsonName;
  }

  public byte tag() {
    return tag;
  }

  public static SqliteFile fromTag(int tag) {
    for (SqliteFile f : values()) {
      if (f.tag == tag) {
        return f;
      }
    }
    throw new KeyFormatException("unknown SQLite file tag " + tag);
  }

  public static SqliteFile fromJsonName(String name) {
    for (SqliteFile f : values()) {
      if (f.jsonName.equals(name)) {
        return f;
      }
    }
    throw new KeyFormatException("unknown SQLite file \"" + name + "\"");
  }
}
