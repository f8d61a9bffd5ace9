package dev.actorkv.reliability;

import com.google.common.io.BaseEncoding;

/**
 * A broken promise found by the suite: which campaign, how to reproduce it (seed and index or cycle),
 * what happened, and the input (hex, cut to 256 bytes).
 */
record Violation(String campaign, long seed, long index, String problem, String inputHex) {
  static Violation of(String campaign, long seed, long index, String problem, byte[] input) {
    String hex = input == null ? ""
        : input.length > 256 ? BaseEncoding.base16().lowerCase().encode(input, 0, 256) + "...(" + input.length + " bytes)"
        : BaseEncoding.base16().lowerCase().encode(input);
    return new Violation(campaign, seed, index, problem, hex);
  }

  @Override
  public String toString() {
    return campaign + " seed=" + seed + " index=" + index + ": " + problem + (inputHex.isEmpty() ? "" : " input=" + inputHex);
  }
}
