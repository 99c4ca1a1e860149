#include "tls/context.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include "stores/store_io.h"

namespace certmint {

Result<ossl::SslCtxPtr> MakeTlsContext(const KeyStore* keystore, const KeyStore& truststore,
                                       const TlsContextOptions& options) {
  ossl::SslCtxPtr ctx(
      SSL_CTX_new(options.side == TlsSide::kServer ? TLS_server_method() : TLS_client_method()));
  if (!ctx) {
    return OpenSslError(ErrorCode::kInternal, "creating the TLS context failed");
  }
  SSL_CTX_set_min_proto_version(ctx.get(), options.min_version);
  if (options.max_version != 0) {
    SSL_CTX_set_max_proto_version(ctx.get(), options.max_version);
  }
  if (keystore != nullptr) {
    const KeyEntry* entry = nullptr;
    for (const auto& e : keystore->keys) {
      if (options.alias.empty() || NormalizeAlias(e.alias) == NormalizeAlias(options.alias)) {
        if (entry != nullptr) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "the keystore holds several keys: choose one by alias");
        }
        entry = &e;
      }
    }
    if (entry == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument,
                       options.alias.empty()
                           ? std::string("the keystore holds no private key")
                           : fmt::format("the keystore has no key entry '{}'", options.alias));
    }
    if (SSL_CTX_use_certificate(ctx.get(), entry->chain[0].native()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx.get(), entry->key.native()) != 1 ||
        SSL_CTX_check_private_key(ctx.get()) != 1) {
      return OpenSslError(
          ErrorCode::kInvalidData,
          fmt::format("key entry '{}': the key does not fit its certificate", entry->alias));
    }
    // Send the intermediates; the root is the peer's business.
    for (size_t i = 1; i < entry->chain.size(); ++i) {
      X509* c = entry->chain[i].native();
      if (X509_check_issued(c, c) == X509_V_OK) {
        continue;
      }
      if (SSL_CTX_add1_chain_cert(ctx.get(), c) != 1) {
        return OpenSslError(ErrorCode::kInternal, "adding a chain certificate failed");
      }
    }
  }
  if (truststore.trusted.empty()) {
    return MakeError(ErrorCode::kInvalidData,
                     "the truststore has no trusted certificates (for Java too: \"the "
                     "trustAnchors parameter must be non-empty\")");
  }
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
  for (const auto& t : truststore.trusted) {
    if (X509_STORE_add_cert(store, t.certificate.native()) != 1) {
      ClearOpenSslErrors();  // a duplicate is harmless
    }
  }
  for (const auto& crl : options.crls) {
    X509_STORE_add_crl(store, crl.native());
  }
  if (!options.crls.empty()) {
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx.get()), X509_V_FLAG_CRL_CHECK);
  }
  int mode = SSL_VERIFY_PEER;
  if (options.side == TlsSide::kServer && options.require_client_certificate) {
    mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  SSL_CTX_set_verify(ctx.get(), mode, nullptr);
  return ctx;
}

Result<ossl::SslCtxPtr> MakeTlsContextFromFiles(const std::string& keystore_path,
                                                const std::string& truststore_path,
                                                const SecretString& password,
                                                const TlsContextOptions& options) {
  std::optional<KeyStore> keystore;
  if (!keystore_path.empty()) {
    CM_ASSIGN_OR_RETURN(auto ks, LoadStoreFile(keystore_path, &password));
    keystore.emplace(std::move(ks));
  }
  CM_ASSIGN_OR_RETURN(auto ts, LoadStoreFile(truststore_path, &password));
  return MakeTlsContext(keystore ? &*keystore : nullptr, ts, options);
}

Status ExpectHost(SSL* ssl, const std::string& host) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  unsigned char buf[16];
  const bool is_ip =
      inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
  if (is_ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      return OpenSslError(ErrorCode::kInvalidArgument, fmt::format("bad IP address '{}'", host));
    }
    return {};
  }
  // OpenSSL's defaults already match JSSE: a wildcard covers one whole
  // label, and the CN is consulted only without DNS SANs.
  if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1 ||
      SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return OpenSslError(ErrorCode::kInvalidArgument, fmt::format("bad host name '{}'", host));
  }
  return {};
}

}  // namespace certmint
