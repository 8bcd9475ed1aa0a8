package io.seckill.dtm.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on 127.0.0.1 in front of one upstream, which a test can cut (listener closed,
 * every open connection reset) and restore on the same port: a storage outage on demand without
 * touching the shared database.
 */
final class Forwarder implements AutoCloseable {
  private final String upstreamHost;
  private final int upstreamPort;
  private final int port;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;

  Forwarder(String upstreamHost, int upstreamPort) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    ServerSocket s = bind(0);
    this.port = s.getLocalPort();
    accept(s);
  }

  int port() {
    return port;
  }

  /** Refuses new connections and resets the open ones. */
  synchronized void cut() throws IOException {
    listener.close();
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        // closed meanwhile by its pump
      }
      closeQuietly(s);
    }
    open.clear();
  }

  /** Accepts again on the same port. */
  synchronized void restore() throws IOException {
    accept(bind(port));
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void accept(ServerSocket s) {
    listener = s;
    Thread t = new Thread(() -> {
      while (!s.isClosed()) {
        Socket in;
        try {
          in = s.accept();
        } catch (IOException e) {
          continue;  // listener closed (cut): the loop ends
        }
        try {
          Socket out = new Socket(upstreamHost, upstreamPort);
          open.add(in);
          open.add(out);
          pump(in, out);
          pump(out, in);
        } catch (IOException e) {
          closeQuietly(in);  // upstream refused: the client sees its connection drop
        }
      }
    }, "forwarder-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // either side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "forwarder-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
