package dev.actorkv.reliability;

import dev.actorkv.store.ActorStore;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-JVM main of the crash harness: {@code DB ACKLOG SEED FIRST_OP}. Applies operations FIRST_OP,
 * FIRST_OP+1, ... of {@link CrashOps} until killed, and appends each index to ACKLOG (one unbuffered
 * write, so it reaches the OS before the next operation starts) only after the call returned.
 */
public final class CrashWorkload {
  private CrashWorkload() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    long seed = Long.parseLong(args[2]);
    long first = Long.parseLong(args[3]);
    try (ActorStore store = ActorStore.open(db); FileOutputStream ack = new FileOutputStream(args[1], true)) {
      for (long i = first; ; i++) {
        CrashOps.op(seed, i).apply(store);
        ack.write((i + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
