// A C++ service in a Java (Kafka) cluster, using the very stores the brokers
// load: OpenSSL SSL_CTX objects built by libcertmint from a JKS or PKCS#12
// keystore and truststore, then plain OpenSSL from there on.
//
//   ssl_ctx_example SERVER_KEYSTORE CLIENT_KEYSTORE TRUSTSTORE PASSWORD_FILE HOST
//
// It runs a TLS server and a client over a socket pair and prints the
// negotiated protocol and both peers. Built and run by `make test`.
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "tls/context.h"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: %s SERVER_KEYSTORE CLIENT_KEYSTORE TRUSTSTORE PASSWORD_FILE HOST\n",
                 argv[0]);
    return 2;
  }
  std::string line;
  std::ifstream(argv[4]) >> line;
  certmint::SecretString password(line);
  certmint::Cleanse(line);

  // 1. Contexts straight from the stores (any of JKS, PKCS#12, PEM).
  certmint::TlsContextOptions server_options;
  server_options.side = certmint::TlsSide::kServer;  // requires a client certificate
  auto server_ctx =
      certmint::MakeTlsContextFromFiles(argv[1], argv[3], password, server_options);
  auto client_ctx =
      certmint::MakeTlsContextFromFiles(argv[2], argv[3], password, certmint::TlsContextOptions{});
  if (!server_ctx || !client_ctx) {
    const auto& e = !server_ctx ? server_ctx.error() : client_ctx.error();
    std::fprintf(stderr, "loading stores: %s\n", e.ToString().c_str());
    return 1;
  }

  // 2. From here on it is plain OpenSSL.
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    return 1;
  }
  bool server_ok = false;
  std::string client_subject;
  std::thread server([&] {
    SSL* ssl = SSL_new(server_ctx->get());
    SSL_set_fd(ssl, fds[0]);
    if (SSL_accept(ssl) == 1) {
      char b;
      server_ok = SSL_read(ssl, &b, 1) == 1 && SSL_write(ssl, &b, 1) == 1;
      X509* peer = SSL_get0_peer_certificate(ssl);
      char buf[256] = {0};
      X509_NAME_oneline(X509_get_subject_name(peer), buf, sizeof(buf));
      client_subject = buf;
    }
    SSL_free(ssl);
  });
  SSL* ssl = SSL_new(client_ctx->get());
  SSL_set_fd(ssl, fds[1]);
  // 3. Verify the server's name as Kafka clients do (https endpoint identification).
  bool ok = certmint::ExpectHost(ssl, argv[5]).has_value() && SSL_connect(ssl) == 1;
  char b = 'x';
  ok = ok && SSL_write(ssl, &b, 1) == 1 && SSL_read(ssl, &b, 1) == 1;
  std::string version = SSL_get_version(ssl);
  char server_subject[256] = {0};
  if (X509* peer = SSL_get0_peer_certificate(ssl); peer != nullptr) {
    X509_NAME_oneline(X509_get_subject_name(peer), server_subject, sizeof(server_subject));
  }
  long verify = SSL_get_verify_result(ssl);
  SSL_free(ssl);
  close(fds[1]);
  server.join();
  close(fds[0]);
  if (!ok || !server_ok) {
    std::printf("handshake failed: %s\n", X509_verify_cert_error_string(verify));
    return 1;
  }
  std::printf("handshake ok: %s, server %s, client %s\n", version.c_str(), server_subject,
              client_subject.c_str());
  return 0;
}
