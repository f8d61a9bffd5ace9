package dev.actorkv.migrate;

/**
 * What the migration does when a legacy key's v1 key already exists with a different value (the same
 * logical key in both layouts). Data is never dropped unless the user chose which side wins.
 */
public enum ConflictPolicy {
  /** Stop migrating the actor with {@link MigrationConflictException} naming the keys (the default). */
  FAIL,
  /** The legacy value overwrites the v1 value; the legacy key is deleted. */
  PREFER_LEGACY,
  /** The v1 value stays; the legacy key and its value are deleted. */
  PREFER_V1;

  /** Parses the CLI spelling: {@code legacy} or {@code v1}. */
  public static ConflictPolicy preferring(String side) {
    return switch (side) {
      case "legacy" -> PREFER_LEGACY;
      case "v1" -> PREFER_V1;
      default -> throw new IllegalArgumentException("--prefer must be legacy or v1, got \"" + side + "\"");
    };
  }
}
