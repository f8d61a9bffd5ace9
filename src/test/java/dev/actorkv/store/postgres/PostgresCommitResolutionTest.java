package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.CommitOutcomeUnknownException;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.CuttingProxy;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection lost while a commit is in flight: the engine learns from the actor's commit sequence
 * whether the commit landed and reports exactly that; when it had not, the engine fences it so that it
 * can never land later. The connection is cut by a real TCP proxy between the engine and the server,
 * before the statement reaches the server or after the server committed but before its answer arrived.
 */
class PostgresCommitResolutionTest {
  private StoreFixture.Postgres fixture;
  private CuttingProxy proxy;
  private ActorStore store;

  @BeforeEach
  void open() throws IOException {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("resolution");
    proxy = new CuttingProxy(fixture.cluster().port());
    String uri = fixture.uri();
    String proxied = uri.replace(":" + fixture.cluster().port() + "/", ":" + proxy.port() + "/");
    store = PostgresEngine.openStore(proxied, StoreOptions.defaults());
  }

  @AfterEach
  void close() throws IOException {
    store.close();
    proxy.close();
    fixture.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertExact(ActorKeyspace a) {
    assertEquals(a.scanStorageBytes(), a.storageBytes());
    assertEquals(a.storageBytes(), a.recordedStorageBytes());
  }

  @Test
  void aCommitWhoseAnswerWasLostIsReportedCommitted() {
    ActorKeyspace a = store.actor("landed-actor");
    a.put(b("\u0004k"), b("first"));
    // The key's length is remembered, so the next traffic naming the actor is the commit statement itself.
    proxy.arm(b("landed-actor"), CuttingProxy.Cut.RESPONSE);
    a.put(b("\u0004k"), b("second value"));
    assertTrue(proxy.fired(), "the commit's connection was cut");
    assertArrayEquals(b("second value"), a.get(b("\u0004k")));
    assertExact(a);
    a.put(b("\u0004j"), b("after"));
    assertExact(a);
  }

  @Test
  void aCommitThatNeverArrivedIsReportedFailedAndCannotLandLater() {
    ActorKeyspace a = store.actor("lost-actor");
    a.put(b("\u0004k"), b("first"));
    proxy.arm(b("lost-actor"), CuttingProxy.Cut.REQUEST);
    StoreException e = assertThrows(StoreException.class, () -> a.put(b("\u0004k"), b("second value")));
    assertTrue(proxy.fired(), "the commit's connection was cut");
    assertFalse(e instanceof CommitOutcomeUnknownException, e.getMessage());
    assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
    assertArrayEquals(b("first"), a.get(b("\u0004k")));
    assertExact(a);
    a.put(b("\u0004k"), b("third"));
    assertArrayEquals(b("third"), a.get(b("\u0004k")));
    assertExact(a);
  }

  @Test
  void aNewActorsFirstCommitIsResolvedToo() {
    // Cut on the value's bytes (pgjdbc sends the puts' array in binary), which only the commit carries.
    byte[] value = b("a value only the commit carries");
    ActorKeyspace lost = store.actor("new-lost");
    proxy.arm(value, CuttingProxy.Cut.REQUEST);
    StoreException e = assertThrows(StoreException.class, () -> lost.put(b("\u0004k"), value));
    assertTrue(proxy.fired(), "the commit's connection was cut");
    assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
    assertEquals(null, lost.get(b("\u0004k")));
    assertEquals(0, lost.storageBytes());
    lost.put(b("\u0004k"), value);
    assertExact(lost);

    ActorKeyspace landed = store.actor("new-landed");
    proxy.arm(value, CuttingProxy.Cut.RESPONSE);
    landed.put(b("\u0004k"), value);
    assertTrue(proxy.fired(), "the commit's connection was cut");
    assertArrayEquals(value, landed.get(b("\u0004k")));
    assertExact(landed);
  }

  @Test
  void anOverwriteOfAKeyOfUnknownLengthIsResolvedWithItsExactCount() {
    // The commit statement itself reads the old length (the store does not know it): when its answer is
    // lost, the count comes from the row the commit wrote.
    ActorKeyspace a = store.actor("overwrite-actor");
    a.put(b("\u0004k"), b("an old value of some length"));
    a.put(b("\u0004other"), b("x")); // the store now remembers only this key's length
    byte[] landed = b("the landed overwrite");
    proxy.arm(landed, CuttingProxy.Cut.RESPONSE);
    a.put(b("\u0004k"), landed);
    assertTrue(proxy.fired(), "the commit's connection was cut");
    assertArrayEquals(landed, a.get(b("\u0004k")));
    assertExact(a);

    a.put(b("\u0004other"), b("y"));
    byte[] lost = b("the lost overwrite, longer than the rest");
    proxy.arm(lost, CuttingProxy.Cut.REQUEST);
    StoreException e = assertThrows(StoreException.class, () -> a.put(b("\u0004k"), lost));
    assertTrue(proxy.fired(), "the commit's connection was cut");
    assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
    assertArrayEquals(landed, a.get(b("\u0004k")));
    assertExact(a);
  }
}
