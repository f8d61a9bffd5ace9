package dev.actorkv.workflow;

import dev.actorkv.store.ActorStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Child JVM of {@link WorkflowCrashTest}: runs {@link #workflow} and, on reaching the boundary named by
 * its third argument, prints {@code AT <boundary>} and waits to be killed with SIGKILL.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    Path side = Path.of(args[1]);
    String killAt = args[2];
    try (ActorStore store = ActorStore.open(db)) {
      WorkflowEngine e = WorkflowEngine.open(store.actor("crash"));
      WorkflowOutcome<String> out = e.run(workflow(side, killAt), "order-7");
      System.out.println("DONE " + out);
    }
  }

  /**
   * Steps a, b, a loop of 3 iterations with one step each, then c. Every step body appends its
   * location to {@code side} (synced) before returning: that file counts body executions.
   */
  static Workflow<String, String> workflow(Path side, String killAt) {
    return Workflow.of(String.class, String.class, (ctx, in) -> {
      String a = ctx.step("a", String.class, () -> body(side, killAt, "/a/", in + ":a"));
      boundary(killAt, "after:/a/");
      String b = ctx.step("b", String.class, () -> body(side, killAt, "/b/", a + ":b"));
      boundary(killAt, "after:/b/");
      String l = ctx.loop("l", new LoopOptions(2, 20), b, WorkflowCodecs.utf8(), WorkflowCodecs.utf8(), (c, s) -> {
        int i = s.length() - b.length() == 0 ? 0 : (s.length() - b.length()) / 3;
        String where = "/l~" + i + "/it/";
        String next = c.step("it", String.class, () -> body(side, killAt, where, s + ":i" + i));
        boundary(killAt, "after:" + where);
        return i == 2 ? LoopResult.done(next) : LoopResult.next(next);
      });
      String c = ctx.step("c", String.class, () -> body(side, killAt, "/c/", l + ":c"));
      boundary(killAt, "after:/c/");
      return c;
    });
  }

  static final String[] BOUNDARIES = boundaries();

  private static String[] boundaries() {
    String[] steps = {"/a/", "/b/", "/l~0/it/", "/l~1/it/", "/l~2/it/", "/c/"};
    String[] out = new String[steps.length * 3];
    for (int i = 0; i < steps.length; i++) {
      out[3 * i] = "start:" + steps[i];
      out[3 * i + 1] = "end:" + steps[i];
      out[3 * i + 2] = "after:" + steps[i];
    }
    return out;
  }

  private static String body(Path side, String killAt, String where, String result) throws IOException {
    boundary(killAt, "start:" + where);
    try (FileChannel ch = FileChannel.open(side, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap((where + "\n").getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    boundary(killAt, "end:" + where);
    return result;
  }

  private static void boundary(String killAt, String here) {
    if (killAt.equals(here)) {
      System.out.println("AT " + here);
      System.out.flush();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
