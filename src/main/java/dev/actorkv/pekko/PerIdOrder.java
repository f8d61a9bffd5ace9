package dev.actorkv.pekko;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.dispatch.Futures;
import scala.concurrent.Future;
import scala.concurrent.Promise;

/**
 * Runs a plugin's blocking store calls on an executor, the calls of different persistence ids in parallel
 * and those of one persistence id one after another in the order the plugin actor made them: its writes
 * reach the store in order, and a read or delete sees every write asked for before it.
 */
final class PerIdOrder {
  /**
   * The last call of each persistence id with calls in flight; a new call runs after it. Entries are
   * added on the plugin actor's thread and removed by the call that completes while still the last one.
   */
  private final Map<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();

  /**
   * Runs {@code work} on {@code executor} once the earlier calls of {@code ids} are done (whatever their
   * outcome), and makes it the last call of each. Called on the plugin actor's thread.
   */
  <T> Future<T> after(Set<String> ids, Executor executor, Callable<T> work) {
    CompletableFuture<?>[] earlier = ids.stream().map(tails::get).filter(Objects::nonNull).toArray(CompletableFuture[]::new);
    CompletableFuture<T> call = CompletableFuture.allOf(earlier)
        .handle((ignored, failure) -> null)
        .thenApplyAsync(ignored -> {
          try {
            return work.call();
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        }, executor);
    for (String id : ids) {
      tails.put(id, call);
      call.whenComplete((r, e) -> tails.remove(id, call));
    }
    Promise<T> result = Futures.promise();
    call.whenComplete((r, e) -> {
      if (e == null) {
        result.success(r);
      } else {
        result.failure(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
      }
    });
    return result.future();
  }
}
