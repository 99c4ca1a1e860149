// A TLS server that reloads its keystore when told, as a Kafka broker does
// when `kafka-configs.sh --alter` sets a listener's ssl.keystore.location
// (even to the same path): a new SSLContext from the file, used for every
// connection accepted afterwards; connections are never dropped.
//
// Usage: java ReloadingTlsServer KEYSTORE TYPE PASSWORD_FILE
// Prints "TLS PORT n" and "CONTROL PORT m". On the control port (plain TCP,
// 127.0.0.1) a line "reload" reloads the keystore and answers
// "ok SERIAL_HEX" or "error MESSAGE" (what kafka-configs.sh reports).
import java.io.*;
import java.net.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.X509Certificate;
import java.util.*;
import javax.net.ssl.*;

public class ReloadingTlsServer {
  static volatile SSLContext context;

  static SSLContext load(String path, String type, char[] password) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = new FileInputStream(path)) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  static String serialOf(String path, String type, char[] password) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = new FileInputStream(path)) {
      ks.load(in, password);
    }
    for (String alias : Collections.list(ks.aliases())) {
      if (ks.isKeyEntry(alias)) {
        return ((X509Certificate) ks.getCertificate(alias)).getSerialNumber().toString(16);
      }
    }
    throw new IllegalStateException("no key entry");
  }

  public static void main(String[] args) throws Exception {
    String path = args[0], type = args[1];
    char[] password = Files.readAllLines(Paths.get(args[2])).get(0).toCharArray();
    context = load(path, type, password);
    ServerSocket tls = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    ServerSocket control = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    System.out.println("TLS PORT " + tls.getLocalPort());
    System.out.println("CONTROL PORT " + control.getLocalPort());
    System.out.flush();
    Thread controller = new Thread(() -> {
      while (true) {
        try (Socket s = control.accept();
             BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream()));
             PrintWriter w = new PrintWriter(s.getOutputStream(), true)) {
          String line = r.readLine();
          if (!"reload".equals(line)) {
            w.println("error unknown command");
            continue;
          }
          try {
            context = load(path, type, password);
            String serial = serialOf(path, type, password);
            System.out.println("RELOADED " + serial);
            System.out.flush();
            w.println("ok " + serial);
          } catch (Exception e) {
            w.println("error " + e);
          }
        } catch (IOException e) {
          return;
        }
      }
    });
    controller.setDaemon(true);
    controller.start();
    while (true) {
      Socket plain = tls.accept();
      new Thread(() -> {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(
                 plain, null, plain.getPort(), true)) {
          s.setUseClientMode(false);
          s.startHandshake();
          s.getOutputStream().write("hello\n".getBytes());
          s.getOutputStream().flush();
        } catch (IOException e) {
          // a probe that hangs up early
        }
      }).start();
    }
  }
}
