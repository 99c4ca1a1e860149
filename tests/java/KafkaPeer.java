// The two TLS ends of a Kafka connection in Java, configured from nothing but
// a kafka.properties file that certmint wrote, read the way Kafka reads its
// configuration (java.util.Properties.load on the file's bytes, ISO 8859-1)
// and turned into an SSLContext the way Kafka's DefaultSslEngineFactory does:
// ssl.keystore.type/location/password, ssl.key.password (falling back to the
// keystore password), ssl.truststore.type/location/password (each value
// trimmed, as Kafka's ConfigDef trims strings and passwords), PEM stores as
// Kafka reads them (KIP-651: see loadPem), the default
// KeyManagerFactory and TrustManagerFactory, ssl.protocol (TLSv1.3), the
// enabled protocols TLSv1.2 and TLSv1.3, ssl.client.auth=required on a
// broker, and ssl.endpoint.identification.algorithm=https on a client.
//
//   java KafkaPeer broker PROPERTIES
//     listens on 127.0.0.1 (port 0), prints "PORT n", and for every
//     connection completes the handshake, reads one Kafka request header and
//     prints "OK client=SUBJECT api_key=K client_id=ID", or "FAIL REASON".
//     Runs until killed.
//   java KafkaPeer server SERVER_PROPERTIES
//     the same broker, configured from a server.properties fragment as Kafka
//     configures the listener it names first in `listeners`: only its
//     listener.name.<listener>.ssl.* settings (Kafka's listener prefix, the
//     listener lower-cased), the listener mapped to SSL in
//     listener.security.protocol.map. Prints "SUPER_USERS ..." (super.users
//     as Properties.load reads it) before "PORT n".
//   java KafkaPeer server-client SERVER_PROPERTIES HOST PORT
//     the client side of that listener (a broker connecting to another).
//   java KafkaPeer client PROPERTIES HOST PORT
//     connects to 127.0.0.1:PORT verifying the broker against HOST, sends an
//     ApiVersions request header and prints "OK server=SUBJECT protocol=P",
//     or "FAIL REASON" and exits 1. (With TLS 1.3 the broker judges the
//     client's certificate after the client's handshake ends: the broker's
//     line is the proof of mutual authentication.)
// Compiled beside TlsHarness, whose reason() describes failures.
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class KafkaPeer {
  static final String[] PROTOCOLS = {"TLSv1.2", "TLSv1.3"};

  // A configuration value as Kafka's ConfigDef.parseType returns it: trimmed.
  static String get(Properties p, String key, String fallback) {
    String v = p.getProperty(key);
    return v == null ? fallback : v.trim();
  }

  static char[] chars(String s) {
    return s == null ? null : s.toCharArray();
  }

  static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  // ssl.keystore.type=PEM or ssl.truststore.type=PEM, read as Kafka's PEM
  // stores read them: the file's certificates and (for a keystore) its one
  // PKCS#8 private key, decrypted with ssl.key.password by the algorithm
  // named in its EncryptedPrivateKeyInfo (SecretKeyFactory and Cipher of that
  // name, which Java 17 lacks for PBES2) and tried as an RSA, DSA and EC key,
  // all in an in-memory PKCS12 KeyStore. A store password is refused.
  static KeyStore loadPem(Properties p, String prefix, boolean isKeyStore) throws Exception {
    if (get(p, prefix + ".password", null) != null) {
      throw new IllegalArgumentException(prefix + ".password cannot be given for a PEM store");
    }
    String text = Files.readString(Path.of(get(p, prefix + ".location", "")));
    List<Certificate> certs = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    Matcher m = PEM_BLOCK.matcher(text);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      if (m.group(1).equals("CERTIFICATE")) {
        certs.add(CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der)));
      } else if (m.group(1).endsWith("PRIVATE KEY")) {
        keys.add(der);
      }
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    if (!isKeyStore) {
      for (int i = 0; i < certs.size(); i++) {
        ks.setCertificateEntry("kafka" + i, certs.get(i));
      }
      return ks;
    }
    if (keys.size() != 1) {
      throw new IllegalArgumentException("expected one private key, found " + keys.size());
    }
    char[] keyPassword = chars(get(p, "ssl.key.password", null));
    PKCS8EncodedKeySpec spec;
    if (keyPassword == null) {
      spec = new PKCS8EncodedKeySpec(keys.get(0));
    } else {
      EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(keys.get(0));
      String algorithm = info.getAlgName();
      SecretKey pbe =
          SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(keyPassword));
      Cipher cipher = Cipher.getInstance(algorithm);
      cipher.init(Cipher.DECRYPT_MODE, pbe, info.getAlgParameters());
      spec = info.getKeySpec(cipher);
    }
    PrivateKey key = null;
    for (String type : new String[] {"RSA", "DSA", "EC"}) {
      try {
        key = KeyFactory.getInstance(type).generatePrivate(spec);
        break;
      } catch (InvalidKeySpecException e) {
        // the next type
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("the private key is not RSA, DSA or EC");
    }
    ks.setKeyEntry("kafka", key, keyPassword, certs.toArray(new Certificate[0]));
    return ks;
  }

  static KeyStore load(Properties p, String prefix) throws Exception {
    if (get(p, prefix + ".type", "JKS").equals("PEM")) {
      return loadPem(p, prefix, prefix.equals("ssl.keystore"));
    }
    KeyStore ks = KeyStore.getInstance(get(p, prefix + ".type", "JKS"));
    try (InputStream in = new FileInputStream(get(p, prefix + ".location", ""))) {
      ks.load(in, chars(get(p, prefix + ".password", null)));
    }
    return ks;
  }

  static SSLContext context(Properties p) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    String keyPassword = get(p, "ssl.key.password", get(p, "ssl.keystore.password", null));
    // Without ssl.keystore.location Kafka has no key managers: no certificate to send.
    boolean hasKeystore = get(p, "ssl.keystore.location", null) != null;
    if (hasKeystore) {
      kmf.init(load(p, "ssl.keystore"), chars(keyPassword));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(p, "ssl.truststore"));
    SSLContext ctx = SSLContext.getInstance(get(p, "ssl.protocol", "TLSv1.3"));
    ctx.init(hasKeystore ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
    return ctx;
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  static void broker(Properties p) throws Exception {
    SSLServerSocket ss = (SSLServerSocket) context(p).getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    ss.setEnabledProtocols(PROTOCOLS);
    String auth = get(p, "ssl.client.auth", "none");
    // The last of these two calls wins in JSSE: make only the one that applies.
    if (auth.equals("required")) {
      ss.setNeedClientAuth(true);
    } else if (auth.equals("requested")) {
      ss.setWantClientAuth(true);
    }
    say("PORT " + ss.getLocalPort());
    while (true) {
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.setSoTimeout(10000);
        s.startHandshake();
        // A Kafka request: INT32 size, then INT16 api_key, INT16 api_version,
        // INT32 correlation_id, NULLABLE_STRING client_id.
        DataInputStream in = new DataInputStream(s.getInputStream());
        in.readInt();
        short apiKey = in.readShort();
        in.readShort();
        in.readInt();
        byte[] id = new byte[Math.max(0, in.readShort())];
        in.readFully(id);
        String client = auth.equals("none") ? "-" : s.getSession().getPeerPrincipal().getName();
        say("OK client=" + client + " api_key=" + apiKey + " client_id="
            + new String(id, StandardCharsets.UTF_8));
      } catch (Exception e) {
        say("FAIL " + TlsHarness.reason(e));
      }
    }
  }

  static int client(Properties p, String host, int port) {
    SSLContext ctx;
    try {
      ctx = context(p);
    } catch (Exception e) {
      say("FAIL loading stores: " + TlsHarness.reason(e));
      return 1;
    }
    try (Socket raw = new Socket("127.0.0.1", port);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, true)) {
      s.setSoTimeout(10000);
      s.setEnabledProtocols(PROTOCOLS);
      String algorithm = get(p, "ssl.endpoint.identification.algorithm", "https");
      if (!algorithm.isEmpty()) {
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm(algorithm);
        s.setSSLParameters(params);
      }
      s.startHandshake();
      byte[] id = "java-client".getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(2 + 2 + 4 + 2 + id.length);
      out.writeShort(18);  // ApiVersions
      out.writeShort(3);
      out.writeInt(1);
      out.writeShort(id.length);
      out.write(id);
      out.flush();
      say("OK server=" + s.getSession().getPeerPrincipal().getName() + " protocol="
          + s.getSession().getProtocol());
      return 0;
    } catch (Exception e) {
      say("FAIL " + TlsHarness.reason(e));
      return 1;
    }
  }

  // The settings Kafka applies to the first listener of `listeners`: those
  // under its prefix, listener.name.<name lower-cased>., without it.
  static Properties listenerView(Properties p) {
    String first = get(p, "listeners", "").split(",")[0];
    int sep = first.indexOf("://");
    if (sep <= 0) {
      throw new IllegalArgumentException("listeners has no NAME://HOST:PORT: " + first);
    }
    String name = first.substring(0, sep).trim();
    List<String> map = List.of(get(p, "listener.security.protocol.map", "").split("\\s*,\\s*"));
    if (!map.contains(name + ":SSL")) {
      throw new IllegalArgumentException(
          "listener.security.protocol.map does not map " + name + " to SSL: " + map);
    }
    String prefix = "listener.name." + name.toLowerCase(Locale.ROOT) + ".";
    Properties out = new Properties();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith(prefix)) {
        out.setProperty(key.substring(prefix.length()), p.getProperty(key));
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    boolean isBroker = args.length == 2 && (args[0].equals("broker") || args[0].equals("server"));
    boolean isClient =
        args.length == 4 && (args[0].equals("client") || args[0].equals("server-client"));
    if (!isBroker && !isClient) {
      System.err.println("usage: see the comment at the top of KafkaPeer.java");
      System.exit(2);
    }
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(args[1])) {
      p.load(in);
    }
    if (args[0].startsWith("server")) {
      if (isBroker) {
        say("SUPER_USERS " + get(p, "super.users", ""));
      }
      p = listenerView(p);
    }
    if (isBroker) {
      broker(p);
    } else {
      System.exit(client(p, args[2], Integer.parseInt(args[3])));
    }
  }
}
