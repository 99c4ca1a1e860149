// A JSSE mTLS handshake, with the stores loaded the way Kafka's
// DefaultSslEngineFactory loads them: KeyStore.getInstance(type).load(file,
// password), the default KeyManagerFactory and TrustManagerFactory, client
// authentication required, and "HTTPS" endpoint identification on the
// client, as ssl.endpoint.identification.algorithm=https sets it.
//
// Or, as a server for `certmint probe` to connect to:
//        java TlsHarness serve KS KS_TYPE TRUSTSTORE TRUSTSTORE_TYPE PASSWORD_FILE
// which listens on 127.0.0.1 (port 0), prints "PORT n", and completes
// handshakes (client certificate wanted, not required) until killed.
//
// Usage: java TlsHarness SERVER_KS SERVER_KS_TYPE CLIENT_KS CLIENT_KS_TYPE
//                        TRUSTSTORE TRUSTSTORE_TYPE PASSWORD_FILE TRUST_PASSWORD_FILE
//                        HOST[,HOST...] [PROTOCOL]
// A password file's first line is the password; "-" means no password (null,
// as Kafka passes when ssl.truststore.password is unset). For each HOST the
// client connects to 127.0.0.1 and verifies the server certificate against
// HOST. Prints one "OK ..." line per handshake, or "FAIL host: reason" and
// exits 1.
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class TlsHarness {
  static char[] password(String file) throws Exception {
    if (file.equals("-")) {
      return null;
    }
    return Files.readAllLines(Path.of(file)).get(0).toCharArray();
  }

  static KeyStore load(String file, String type, char[] pw) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = new FileInputStream(file)) {
      ks.load(in, pw);
    }
    return ks;
  }

  static SSLContext context(String ks, String kt, char[] kpw, KeyStore trust, String protocol)
      throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(ks, kt, kpw), kpw);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance(protocol);
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  static String reason(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
    }
    return sb.toString().replace('\n', ' ');
  }

  static void serve(String[] args) throws Exception {
    char[] pw = password(args[5]);
    KeyStore trust = load(args[3], args[4], pw);
    SSLContext ctx = context(args[1], args[2], pw, trust, "TLS");
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    ss.setWantClientAuth(true);
    System.out.println("PORT " + ss.getLocalPort());
    System.out.flush();
    while (true) {
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.setSoTimeout(5000);
        s.startHandshake();
        s.getInputStream().read();
      } catch (Exception e) {
        System.out.println("connection: " + reason(e));
        System.out.flush();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length >= 6 && args[0].equals("serve")) {
      serve(args);
      return;
    }
    if (args.length < 9) {
      System.err.println("usage: see the comment at the top of TlsHarness.java");
      System.exit(2);
    }
    char[] pw = password(args[6]);
    char[] tpw = password(args[7]);
    String protocol = args.length > 9 ? args[9] : "TLS";
    SSLContext server;
    SSLContext client;
    try {
      KeyStore trust = load(args[4], args[5], tpw);
      server = context(args[0], args[1], pw, trust, protocol);
      client = context(args[2], args[3], pw, trust, protocol);
    } catch (Exception e) {
      System.out.println("FAIL loading stores: " + reason(e));
      System.exit(1);
      return;
    }
    boolean ok = true;
    for (String host : args[8].split(",")) {
      ok &= handshake(server, client, host);
    }
    System.exit(ok ? 0 : 1);
  }

  static boolean handshake(SSLContext server, SSLContext client, String host) throws Exception {
    SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    ss.setNeedClientAuth(true);
    ss.setSoTimeout(15000);
    AtomicReference<String> serverResult = new AtomicReference<>("no connection");
    Thread t = new Thread(() -> {
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.setSoTimeout(15000);
        s.startHandshake();
        InputStream in = s.getInputStream();
        int b = in.read();
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        serverResult.set("ok client=" + s.getSession().getPeerPrincipal().getName());
      } catch (Exception e) {
        serverResult.set(reason(e));
      }
    });
    t.start();
    // The client closes its socket before waiting for the server thread:
    // JSSE's close waits for the peer's close_notify.
    String clientResult;
    boolean ok = false;
    try (Socket raw = new Socket("127.0.0.1", ss.getLocalPort());
        SSLSocket s = (SSLSocket) client.getSocketFactory()
            .createSocket(raw, host, ss.getLocalPort(), true)) {
      s.setSoTimeout(15000);
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      OutputStream out = s.getOutputStream();
      out.write(42);
      out.flush();
      int echoed = s.getInputStream().read();
      ok = echoed == 42;
      clientResult = "protocol=" + s.getSession().getProtocol()
          + " cipher=" + s.getSession().getCipherSuite()
          + " server=" + s.getSession().getPeerPrincipal().getName();
    } catch (Exception e) {
      clientResult = reason(e);
    }
    try {
      t.join();
    } finally {
      ss.close();
    }
    if (ok) {
      System.out.println("OK " + host + " " + clientResult + " " + serverResult.get());
    } else {
      System.out.println("FAIL " + host + ": " + clientResult + " (server: " + serverResult.get()
          + ")");
    }
    return ok;
  }
}
