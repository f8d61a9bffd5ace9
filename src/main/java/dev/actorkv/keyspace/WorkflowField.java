package dev.actorkv.keyspace;

/**
 * Workflow fields stored under {@code pack(3, code)}. {@link #VERSION} exists only in the legacy layout
 * (legacy code 4), where input had code 5.
 */
public enum WorkflowField {
  STATE("state", 1, 1),
  OUTPUT("output", 2, 2),
  ERROR("error", 3, 3),
  INPUT("input", 4, 5),
  VERSION("version", -1, 4);

  private final String jsonName;
  private final int v1Code;
  private final int legacyCode;

  WorkflowField(String jsonName, int v1Code, int legacyCode) {
    this.jsonName = jsonName;
    this.v1Code = v1Code;
    this.legacyCode = legacyCode;
  }

  public String jsonName() {
    return jsonName;
  }

  /** Code in layout v1; -1 when the field does not exist in v1. */
  public int v1Code() {
    return v1Code;
  }

  public int legacyCode() {
    return legacyCode;
  }

  public int code(int version) {
    int c = version == 0 ? legacyCode : v1Code;
    if (c < 0) {
      throw new KeyFormatException("workflow field \"" + jsonName + "\" does not exist in layout v" + version);
    }
    return c;
  }

  public static WorkflowField fromCode(int version, long code) {
    for (WorkflowField f : values()) {
      if ((version == 0 ? f.legacyCode : f.v1Code) == code) {
        return f;
      }
    }
    throw new KeyFormatException("unknown workflow field code " + code + " in layout v" + version);
  }

  public static WorkflowField fromJsonName(String name) {
    for (WorkflowField f : values()) {
      if (f.jsonName.equals(name)) {
        return f;
      }
    }
    throw new KeyFormatException("unknown workflow field \"" + name + "\"");
  }
}
