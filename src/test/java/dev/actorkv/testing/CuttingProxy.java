package dev.actorkv.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback between a client and a server that can cut one connection at a chosen moment,
 * to reproduce a connection lost while a statement is in flight: once {@link #arm} is called, the first
 * client-to-server chunk that contains the marker bytes either never reaches the server
 * ({@link Cut#REQUEST}) or reaches it while the server's answer never reaches the client
 * ({@link Cut#RESPONSE}); then the connection is closed on both sides.
 *
 * <p>It also counts round trips: every server-to-client ReadyForQuery message (the server's "done, your
 * turn" that ends the answer to each query or Sync) is one round trip of the client, except those that
 * end a connection's start-up or answer an empty query (a pool checking a connection it hands out).
 */
public final class CuttingProxy implements AutoCloseable {
  /** Where the cut falls. */
  public enum Cut {
    REQUEST,
    RESPONSE
  }

  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile byte[] marker;
  private volatile Cut cut;
  private volatile boolean fired;
  private final java.util.concurrent.atomic.AtomicLong roundTrips = new java.util.concurrent.atomic.AtomicLong();

  public CuttingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "cutting-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Cuts the next connection whose client sends {@code marker}, as {@code cut} says. */
  public void arm(byte[] marker, Cut cut) {
    this.fired = false;
    this.cut = cut;
    this.marker = marker.clone();
  }

  /** Round trips so far, over every connection: ReadyForQuery messages the server sent. */
  public long roundTrips() {
    return roundTrips.get();
  }

  /** Whether the armed cut happened. */
  public boolean fired() {
    return fired;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        Pair pair = new Pair(client, server);
        start(() -> pair.pump(true), "proxy-up");
        start(() -> pair.pump(false), "proxy-down");
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** One proxied connection. */
  private final class Pair {
    private final Socket client;
    private final Socket server;
    /** Set when this connection's answers must be dropped from now on. */
    private volatile boolean dropAnswers;

    Pair(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void pump(boolean up) {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = (up ? client : server).getInputStream()) {
        OutputStream out = (up ? server : client).getOutputStream();
        for (int n; (n = in.read(buf)) > 0; ) {
          if (up) {
            byte[] m = marker;
            if (m != null && contains(buf, n, m)) {
              marker = null;
              fired = true;
              if (cut == Cut.REQUEST) {
                closeBoth();
                return;
              }
              dropAnswers = true;
              out.write(buf, 0, n);
              out.flush();
              continue;
            }
            out.write(buf, 0, n);
          } else {
            if (dropAnswers) {
              closeBoth(); // the answer is lost with the connection
              return;
            }
            roundTrips.addAndGet(readyForQuery(buf, n));
            out.write(buf, 0, n);
          }
          out.flush();
        }
      } catch (IOException e) {
        // the other direction closed the connection
      }
      closeBoth();
    }

    private void closeBoth() {
      try {
        client.close();
      } catch (IOException e) {
        // already closed
      }
      if (dropAnswers) {
        // Let the server finish the statement it received (it commits, or not, on its own) before it
        // sees the connection gone.
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        server.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  /**
   * ReadyForQuery messages in a chunk ('Z', length 5, a status byte: idle, in a transaction, failed) that
   * answer a statement: not those right after BackendKeyData (a connection's start-up) or after
   * EmptyQueryResponse (a pool's validity check). The server flushes its answer at that message, so it
   * ends a chunk, whole.
   */
  static int readyForQuery(byte[] buf, int n) {
    int count = 0;
    for (int i = 0; i + 6 <= n; i++) {
      if (isMessage(buf, n, i, 'Z', 5) && (buf[i + 5] == 'I' || buf[i + 5] == 'T' || buf[i + 5] == 'E')
          && !isMessage(buf, n, i - 5, 'I', 4) && !isMessage(buf, n, i - 13, 'K', 12)) {
        count++;
      }
    }
    return count;
  }

  /** Whether a message of {@code type} and {@code length} starts at {@code i}. */
  private static boolean isMessage(byte[] buf, int n, int i, char type, int length) {
    return i >= 0 && i + 5 <= n && buf[i] == type && buf[i + 1] == 0 && buf[i + 2] == 0 && buf[i + 3] == 0
        && buf[i + 4] == length;
  }

  static boolean contains(byte[] buf, int n, byte[] m) {
    outer:
    for (int i = 0; i + m.length <= n; i++) {
      for (int j = 0; j < m.length; j++) {
        if (buf[i + j] != m[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
