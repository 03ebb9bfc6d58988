package org.planwatch.serve;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.planwatch.ops.WarehouseLock;
import org.planwatch.spark.CodeVersion;
import org.planwatch.spark.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nightly runs inside {@code planwatch serve}: a {@code planwatch run} started while the warehouse is
 * served hands its request to the serving process, whose JVM and Spark session are warm, and prints what
 * that process answers. A cold process spends most of a night that changes little on start-up (class
 * loading, JIT compilation, the first Spark jobs; docs/performance.md); the served run does not.
 *
 * <p>The serving process listens on 127.0.0.1 and writes its port, a random token and its code digest
 * to {@code <warehouse>/run-service.properties}, readable by its owner only: whoever can read it may
 * already write the warehouse. A client sends the token and its request; the server answers with
 * frames of standard output and error, then the exit code. It declines (and the client runs in its own
 * process) when its code differs from the client's or when the handler declines the request.
 */
public final class RunService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");
  public static final String ADDRESS_FILE = "run-service.properties";
  private static final String LOOPBACK = "127.0.0.1";

  private static final byte STDOUT = 'o';
  private static final byte STDERR = 'e';
  private static final byte EXIT = 'x';
  private static final byte DECLINED = 'd';
  private static final byte REQUEST = 'r';

  /** Runs one request in the serving process. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param request the client's fields (see the client, {@code RunCommand})
     * @param clientGone tells the run when its client went away (Ctrl-C) before the run ended
     * @return the run's exit code
     * @throws Declined when this process should not run it: the client then runs it itself
     */
    int run(Map<String, String> request, PrintStream out, PrintStream err, ClientGone clientGone);
  }

  /**
   * The client of a served run went away before the run ended: the user stopped {@code planwatch run}
   * (Ctrl-C) or its process was killed. A run registers what stops it; a local run stops with its
   * process, and a served one should not go on for nobody.
   */
  public static final class ClientGone {
    private Runnable stop;
    private boolean gone;

    /** Runs {@code stop} when the client goes away, at once if it has; null withdraws it. */
    public synchronized void onGone(Runnable stop) {
      this.stop = stop;
      if (gone && stop != null) {
        stop.run();
      }
    }

    public synchronized boolean isGone() {
      return gone;
    }

    synchronized void fire() {
      if (!gone) {
        gone = true;
        if (stop != null) {
          stop.run();
        }
      }
    }
  }

  /** A request the serving process leaves to the client, with the reason the client prints. */
  public static final class Declined extends RuntimeException {
    public Declined(String reason) {
      super(reason);
    }
  }

  private final ServerSocket socket;
  private final Path addressFile;
  private final byte[] token;
  private final Handler handler;
  private volatile boolean closed;

  private RunService(ServerSocket socket, Path addressFile, byte[] token, Handler handler) {
    this.socket = socket;
    this.addressFile = addressFile;
    this.token = token;
    this.handler = handler;
  }

  /** Listens on a free port of 127.0.0.1 and advertises it in the warehouse folder (which must be local). */
  public static RunService start(Warehouse warehouse, Handler handler) {
    if (!warehouse.isLocal()) {
      throw new IllegalArgumentException("runs are served for a local warehouse folder only, not " + warehouse);
    }
    byte[] token = new byte[32];
    new SecureRandom().nextBytes(token);
    try {
      Files.createDirectories(warehouse.localFolder());
      ServerSocket socket = new ServerSocket(0, 8, InetAddress.getByName(LOOPBACK));
      Properties address = new Properties();
      address.setProperty("port", Integer.toString(socket.getLocalPort()));
      address.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
      address.setProperty("host", WarehouseLock.hostName());
      address.setProperty("token", HexFormat.of().formatHex(token));
      address.setProperty("code", CodeVersion.digest());
      Path file = AddressFile.write(warehouse, ADDRESS_FILE, address,
          "planwatch serve runs the nightly job of this warehouse: planwatch run hands it here", true);
      RunService service = new RunService(socket, file, token, handler);
      Thread accept = new Thread(service::accept, "planwatch run service");
      accept.setDaemon(true);
      accept.start();
      return service;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the run service of " + warehouse, e);
    }
  }

  /** Stops taking requests and withdraws the address; a run already going on goes on. */
  @Override
  public void close() {
    closed = true;
    try {
      Files.deleteIfExists(addressFile);
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping the run service", e);
    }
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("run service: {}", e.getMessage());
        }
        continue;
      }
      // One thread per client: a second run waits for the first (--wait-for-lock) without blocking accept.
      Thread serving = new Thread(() -> serve(client), "planwatch served run");
      serving.setDaemon(true);
      serving.start();
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(30_000);
      DataInputStream in = new DataInputStream(client.getInputStream());
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(client.getOutputStream()));
      Map<String, String> request = readRequest(in);
      client.setSoTimeout(0);
      String reason = refusal(request);
      if (reason != null) {
        frame(out, DECLINED, reason.getBytes(StandardCharsets.UTF_8));
        return;
      }
      request.remove("token");
      request.remove("code");
      PrintStream stdout = new PrintStream(new FrameStream(out, STDOUT), true, StandardCharsets.UTF_8);
      PrintStream stderr = new PrintStream(new FrameStream(out, STDERR), true, StandardCharsets.UTF_8);
      ClientGone clientGone = new ClientGone();
      AtomicBoolean answered = new AtomicBoolean();
      watchForHangUp(in, clientGone, answered);
      int exitCode;
      try {
        exitCode = handler.run(request, stdout, stderr, clientGone);
      } catch (Declined e) {
        answered.set(true);
        frame(out, DECLINED, e.getMessage().getBytes(StandardCharsets.UTF_8));
        return;
      } finally {
        answered.set(true);
      }
      stdout.flush();
      stderr.flush();
      frame(out, EXIT, ByteBuffer.allocate(Integer.BYTES).putInt(exitCode).array());
    } catch (IOException e) {
      // The client went away: the run had finished, or was stopped (watchForHangUp).
      LOG.info("run service: client connection ended: {}", e.getMessage());
    } catch (Exception e) {
      // The handler reports a run's failure itself; this is a failure around it. The client sees the connection end.
      LOG.error("run service: the served run ended without an exit code", e);
    }
  }

  /**
   * A client sends nothing after its request: the end of its stream (or a reset) before the answer
   * means it went away.
   */
  private static void watchForHangUp(DataInputStream in, ClientGone clientGone, AtomicBoolean answered) {
    Thread watcher = new Thread(() -> {
      try {
        while (in.read() >= 0) {
          // Nothing is expected; ignored.
        }
      } catch (IOException e) {
        // A reset: the client is gone as well (or the server closed the connection after answering).
      }
      if (!answered.get()) {
        LOG.info("run service: the client went away before the run ended; stopping the run");
        clientGone.fire();
      }
    }, "planwatch served run client watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Why the request is refused before the handler sees it, or null. */
  private String refusal(Map<String, String> request) {
    byte[] given;
    try {
      given = HexFormat.of().parseHex(request.getOrDefault("token", ""));
    } catch (IllegalArgumentException e) {
      given = new byte[0];
    }
    if (!MessageDigest.isEqual(given, token)) {
      return "wrong token";
    }
    if (!CodeVersion.digest().equals(request.get("code"))) {
      return "it runs another build of planwatch (restart it to serve this one)";
    }
    return null;
  }

  /**
   * Runs {@code request} in the process serving {@code warehouse}, copying its output to {@code out}
   * and {@code err}. Empty when no process serves the warehouse (no address file, or its port is dead)
   * or when it declines (the reason goes to {@code err}): then run in this process.
   *
   * @throws IOException when the connection ends before the run's exit code came (the server stopped)
   */
  public static OptionalInt delegate(Warehouse warehouse, Map<String, String> request, PrintStream out, PrintStream err)
      throws IOException {
    Optional<Properties> address = AddressFile.read(warehouse, ADDRESS_FILE);
    if (address.isEmpty() || !WarehouseLock.hostName().equals(address.get().getProperty("host"))) {
      return OptionalInt.empty(); // no server, or one on another machine sharing the folder: its 127.0.0.1 is not ours
    }
    String pid = address.get().getProperty("pid", "?");
    Socket socket = new Socket();
    try (socket) {
      try {
        socket.connect(new InetSocketAddress(LOOPBACK, Integer.parseInt(address.get().getProperty("port", "0"))), 2000);
      } catch (IOException | IllegalArgumentException e) {
        return OptionalInt.empty(); // left behind by a server that was killed
      }
      Map<String, String> sent = new LinkedHashMap<>(request);
      sent.put("token", address.get().getProperty("token", ""));
      sent.put("code", CodeVersion.digest());
      DataOutputStream toServer = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
      Properties properties = new Properties();
      properties.putAll(sent);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      properties.store(bytes, null);
      frame(toServer, REQUEST, bytes.toByteArray());
      DataInputStream fromServer = new DataInputStream(socket.getInputStream());
      // Ctrl-C ends this process, and with it the connection: the server then stops the run (ClientGone).
      Thread stopping = new Thread(() -> err.println("planwatch: stopped; planwatch serve (pid " + pid
          + ") stops the run at its next Spark job, and ops.job_runs records it failed"));
      Runtime.getRuntime().addShutdownHook(stopping);
      try {
        return answer(fromServer, pid, out, err);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stopping);
        } catch (IllegalStateException shuttingDown) {
          // The hook runs.
        }
      }
    }
  }

  /** Copies the server's output frames until its exit code, or empty when it declines. */
  private static OptionalInt answer(DataInputStream fromServer, String pid, PrintStream out, PrintStream err) throws IOException {
    while (true) {
      byte kind;
      byte[] body;
      try {
        kind = fromServer.readByte();
        body = new byte[fromServer.readInt()];
        fromServer.readFully(body);
      } catch (EOFException | SocketException e) {
        throw new IOException("planwatch serve (pid " + pid + ") ended the connection before the run finished", e);
      }
      switch (kind) {
        case STDOUT -> out.write(body);
        case STDERR -> err.write(body);
        case EXIT -> {
          out.flush();
          err.flush();
          return OptionalInt.of(ByteBuffer.wrap(body).getInt());
        }
        case DECLINED -> {
          err.println("planwatch: planwatch serve (pid " + pid + ") does not take this run: "
              + new String(body, StandardCharsets.UTF_8) + "; running it in this process");
          return OptionalInt.empty();
        }
        default -> throw new IOException("planwatch serve (pid " + pid + ") answered with an unknown frame " + kind);
      }
    }
  }

  private static Map<String, String> readRequest(DataInputStream in) throws IOException {
    if (in.readByte() != REQUEST) {
      throw new IOException("not a run request");
    }
    int length = in.readInt();
    if (length < 0 || length > 1 << 20) {
      throw new IOException("request of " + length + " bytes");
    }
    byte[] body = new byte[length];
    in.readFully(body);
    Properties properties = new Properties();
    properties.load(new ByteArrayInputStream(body));
    Map<String, String> request = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> request.put(k, properties.getProperty(k)));
    return request;
  }

  private static void frame(DataOutputStream out, byte kind, byte[] body) throws IOException {
    synchronized (out) {
      out.writeByte(kind);
      out.writeInt(body.length);
      out.write(body);
      out.flush();
    }
  }

  /** Output of one kind, as frames; write errors (the client left) end the copy, not the run. */
  private static final class FrameStream extends OutputStream {
    private final DataOutputStream out;
    private final byte kind;
    private boolean broken;

    FrameStream(DataOutputStream out, byte kind) {
      this.out = out;
      this.kind = kind;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (broken || len == 0) {
        return;
      }
      byte[] body = new byte[len];
      System.arraycopy(b, off, body, 0, len);
      try {
        frame(out, kind, body);
      } catch (IOException e) {
        broken = true;
      }
    }
  }
}
