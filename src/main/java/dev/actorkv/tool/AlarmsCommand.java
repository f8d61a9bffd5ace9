package dev.actorkv.tool;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.DueAlarm;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keyspace alarms DB [--actor ID]...}: the pending alarms of a store (or of some actors), earliest first. */
@Command(
    name = "alarms",
    mixinStandardHelpOptions = true,
    description =
        "Prints the pending alarms of every actor (or of the actors named), earliest first, one JSON object a line: "
            + "{\"actor\":ID,\"name\":NAME,\"due\":\"ISO-8601 UTC\"}. Alarms due at the same time are ordered by actor "
            + "and name. A sleeping workflow's wake-up is its actor's alarm \"actorkv.workflow.wake\". Reads only.")
final class AlarmsCommand implements Callable<Integer> {
  /** Alarms read per index seek when listing the whole store: memory stays bounded by the page. */
  static final int PAGE = 1024;
  static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI")
  String db;

  @Option(names = "--actor", paramLabel = "ID", description = "only this actor's alarms (repeatable)")
  List<String> actors;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ActorStore store = StoreAccess.openForReading(db)) {
      if (actors == null || actors.isEmpty()) {
        DueAlarm after = null;
        while (true) {
          List<DueAlarm> page = store.pendingAlarms(after, PAGE);
          page.forEach(a -> out.println(line(a)));
          if (page.size() < PAGE) {
            break;
          }
          after = page.getLast();
        }
      } else {
        for (String id : actors) {
          StoreAccess.checkActorId(store, id);
        }
        List<DueAlarm> selected = new ArrayList<>();
        try (ActorStore.StoreSnapshot snapshot = store.snapshot()) {
          for (String id : new LinkedHashSet<>(actors)) {
            for (Alarm a : snapshot.alarms(id)) {
              selected.add(new DueAlarm(id, a.name(), a.due()));
            }
          }
        }
        selected.sort(DueAlarm.ORDER);
        selected.forEach(a -> out.println(line(a)));
      }
    }
    out.flush();
    return 0;
  }

  private static String line(DueAlarm a) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("actor", a.actorId());
    line.put("name", a.name());
    line.put("due", iso(a.due()));
    return Json.write(line);
  }

  static String iso(Instant t) {
    return ISO.format(t);
  }
}
