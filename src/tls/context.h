// OpenSSL TLS contexts built straight from the stores Java brokers use, so a
// C++ service in a Java cluster loads the very same keystore.jks /
// truststore.p12 / PEM files. See docs/cpp-api.md.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/ossl.h"
#include "core/secret.h"
#include "stores/keystore.h"
#include "x509/crl.h"

namespace certmint {

enum class TlsSide { kServer, kClient };

struct TlsContextOptions {
  TlsSide side = TlsSide::kClient;
  // Oldest protocol accepted; Java 17 disables TLS 1.0/1.1 too.
  int min_version = TLS1_2_VERSION;
  int max_version = 0;  // 0: the newest OpenSSL supports
  // Servers: demand a client certificate (Kafka's ssl.client.auth=required).
  bool require_client_certificate = true;
  // Alias of the key entry to use when the keystore holds several; empty:
  // the only one.
  std::string alias;
  // Revocation lists: with any, every peer certificate is checked against
  // them (X509_V_FLAG_CRL_CHECK).
  std::vector<Crl> crls;
};

// A context presenting the keystore's key entry (with its chain) and
// trusting the truststore's trusted entries. `keystore` may be null for a
// client without a certificate. Peers are always verified: servers check
// client certificates (EKU clientAuth), clients check server certificates
// (EKU serverAuth); host names are set per connection with ExpectHost.
Result<ossl::SslCtxPtr> MakeTlsContext(const KeyStore* keystore, const KeyStore& truststore,
                                       const TlsContextOptions& options);

// The same from files of any supported format (JKS, JCEKS, PKCS#12, PEM).
// An empty keystore path means no client certificate.
Result<ossl::SslCtxPtr> MakeTlsContextFromFiles(const std::string& keystore_path,
                                                const std::string& truststore_path,
                                                const SecretString& password,
                                                const TlsContextOptions& options);

// Hostname verification as Kafka's ssl.endpoint.identification.algorithm=https
// does it: an IP address matches only iPAddress SANs; a DNS name matches
// dNSName SANs (the CN only when there are none); a wildcard covers exactly
// one label. Also sets SNI for DNS names.
Status ExpectHost(SSL* ssl, const std::string& host);

}  // namespace certmint
