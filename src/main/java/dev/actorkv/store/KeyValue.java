package dev.actorkv.store;

import com.google.common.io.BaseEncoding;
import java.util.Arrays;

/** One entry of an actor's keyspace: logical key and value. */
public record KeyValue(byte[] key, byte[] value) {
  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    BaseEncoding hex = BaseEncoding.base16().lowerCase();
    return hex.encode(key) + "=" + (value.length > 32 ? hex.encode(value, 0, 32) + "..." : hex.encode(value));
  }
}
