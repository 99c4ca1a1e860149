#include "stores/pem_store.h"

#include <fmt/format.h>
#include <openssl/pem.h>

#include <algorithm>

#include "core/ossl.h"

namespace certmint {
namespace {

std::string AliasFor(const Certificate& c, size_t index) {
  std::string cn = c.Subject().CommonNameValue();
  return cn.empty() ? fmt::format("cert-{}", index) : NormalizeAlias(cn);
}

}  // namespace

Result<PemProfile> ParsePemProfile(std::string_view text) {
  if (text == "modern") {
    return PemProfile::kModern;
  }
  if (text == "java") {
    return PemProfile::kJava;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("unknown PEM profile '{}' (expected modern or java)", text));
}

PemProfile PemProfileOf(std::string_view pem) {
  // The key block FromPem reads, not the first text that looks like one.
  const auto key = FindPemPrivateKey(pem);
  return key && key->pbe_nid != NID_undef && key->pbe_nid != NID_pbes2 ? PemProfile::kJava
                                                                       : PemProfile::kModern;
}

namespace {

// The single key entry of `store`, checked as a PEM keystore needs it.
Result<const KeyEntry*> PemKeyEntry(const KeyStore& store) {
  if (store.keys.size() != 1) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("a PEM keystore holds exactly one key; this store has {}", store.keys.size()));
  }
  const KeyEntry& e = store.keys[0];
  // Every certificate of the file goes out as the key's chain (Kafka and
  // OpenSSL read them all as such): a trusted entry fits only when it is
  // already in the chain (the CA a JKS keystore also lists as caroot).
  for (const auto& t : store.trusted) {
    const std::string fp = t.certificate.Sha256Fingerprint();
    if (std::none_of(e.chain.begin(), e.chain.end(),
                     [&](const Certificate& c) { return c.Sha256Fingerprint() == fp; })) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("a PEM keystore holds one key and its chain, and trusted certificate "
                      "'{}' is not in it (readers would send it as part of the chain); keep "
                      "it in a truststore, or delete it first with certmint keystore delete",
                      t.alias));
    }
  }
  return &e;
}

std::string WithChain(std::string key_pem, const KeyEntry& e) {
  for (const auto& c : e.chain) {
    key_pem += c.ToPem();
  }
  return key_pem;
}

}  // namespace

Result<std::string> WritePemKeystore(const KeyStore& store, const SecretString& password,
                                     PemProfile profile) {
  CM_ASSIGN_OR_RETURN(const KeyEntry* e, PemKeyEntry(store));
  const auto scheme = profile == PemProfile::kJava ? Pkcs8Encryption::Scheme::kPkcs12TripleDes
                                                   : Pkcs8Encryption::Scheme::kPbes2Aes256;
  CM_ASSIGN_OR_RETURN(auto out, e->key.ToEncryptedPkcs8Pem(password, {kNodeKeyIterations, scheme}));
  return WithChain(std::move(out), *e);
}

Result<std::string> WritePlainPemKeystore(const KeyStore& store) {
  CM_ASSIGN_OR_RETURN(const KeyEntry* e, PemKeyEntry(store));
  CM_ASSIGN_OR_RETURN(auto out, e->key.ToPkcs8Pem());
  return WithChain(std::move(out), *e);
}

bool HasPlainPrivateKey(std::string_view pem) {
  const auto key = FindPemPrivateKey(pem);
  return key && !key->encrypted;
}

Result<std::string> WritePemTruststore(const KeyStore& store) {
  if (store.trusted.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the store has no trusted certificates");
  }
  std::string out;
  for (const auto& t : store.trusted) {
    out += t.certificate.ToPem();
  }
  return out;
}

Result<KeyStore> ReadPemStore(std::string_view data, const SecretString* password) {
  KeyStore store;
  std::vector<Certificate> certs;
  if (data.find("CERTIFICATE-----") != std::string_view::npos) {
    auto chain = Certificate::ChainFromPem(data);
    if (chain) {
      certs = std::move(*chain);
    }
  }
  const bool has_key = data.find("PRIVATE KEY-----") != std::string_view::npos;
  std::vector<std::string> used;
  if (has_key) {
    CM_ASSIGN_OR_RETURN(auto key, PrivateKey::FromPem(data, password));
    const Certificate* leaf = nullptr;
    for (const auto& c : certs) {
      if (c.MatchesKey(key)) {
        leaf = &c;
        break;
      }
    }
    if (leaf == nullptr) {
      return MakeError(ErrorCode::kInvalidData,
                       "no certificate in the file matches the private key");
    }
    auto chain = BuildChain(*leaf, certs);
    for (const auto& c : chain) {
      used.push_back(c.Sha256Fingerprint());
    }
    store.keys.push_back({AliasFor(*leaf, 0), std::move(key), std::move(chain), TimePoint{}});
  }
  for (size_t i = 0; i < certs.size(); ++i) {
    if (std::find(used.begin(), used.end(), certs[i].Sha256Fingerprint()) == used.end()) {
      store.trusted.push_back({AliasFor(certs[i], i + 1), certs[i], TimePoint{}});
    }
  }
  if (store.size() == 0) {
    return MakeError(ErrorCode::kInvalidData, "no PEM certificate or private key found");
  }
  return store;
}

}  // namespace certmint
