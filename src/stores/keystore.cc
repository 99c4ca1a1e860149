#include "stores/keystore.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/encoding.h"

namespace certmint {

std::string NormalizeAlias(std::string_view alias) { return AsciiLower(alias); }

Status ValidateAlias(std::string_view alias) {
  if (alias.empty() || alias.size() > 128) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("invalid alias '{}': it must have 1 to 128 characters", alias));
  }
  for (unsigned char c : alias) {
    if (c < 0x20 || c == 0x7f) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid alias: control characters are not allowed");
    }
  }
  return {};
}

Status CheckNewStorePassword(std::string_view password) {
  auto bad = [](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("the store password {}", why));
  };
  if (password.size() < kMinStorePasswordLength) {
    return bad(fmt::format("must have at least {} characters (keytool refuses shorter ones)",
                           kMinStorePasswordLength));
  }
  for (unsigned char c : password) {
    if (c < 0x20 || c > 0x7e) {
      return bad(
          "must be printable ASCII: Java cannot open a PKCS#12 store whose password has other "
          "characters");
    }
  }
  if (password.front() == ' ' || password.back() == ' ') {
    return bad(
        "must not begin or end with a space: Kafka and librdkafka trim it from their "
        "configuration files");
  }
  // kcat -F (librdkafka.properties) reads "\=" as "=" and "\:" as ":", and has
  // no escape that would keep the backslash (identity/properties.h).
  if (password.find("\\=") != std::string_view::npos ||
      password.find("\\:") != std::string_view::npos) {
    return bad(
        "must not have a backslash before '=' or ':': kcat -F drops that backslash from "
        "librdkafka.properties and would read another password");
  }
  return {};
}

Status CheckAliases(const KeyStore& store) {
  std::set<std::string> seen;
  const auto check = [&](const std::string& alias) -> Status {
    CM_RETURN_IF_ERROR(ValidateAlias(alias));
    if (!seen.insert(NormalizeAlias(alias)).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("alias '{}' names two entries (aliases are not case-sensitive); "
                                   "Java would keep only one",
                                   alias));
    }
    return {};
  };
  for (const auto& e : store.keys) {
    CM_RETURN_IF_ERROR(check(e.alias));
  }
  for (const auto& e : store.trusted) {
    CM_RETURN_IF_ERROR(check(e.alias));
  }
  return {};
}

Status CheckNamedCurves(const KeyStore& store) {
  const auto check = [](const EVP_PKEY* key, std::string_view what) -> Status {
    return WithContext(CheckNamedCurve(key), std::string(what));
  };
  for (const auto& e : store.keys) {
    CM_RETURN_IF_ERROR(check(e.key.native(), fmt::format("the key of entry '{}'", e.alias)));
    for (const auto& c : e.chain) {
      CM_RETURN_IF_ERROR(
          check(X509_get0_pubkey(c.native()),
                fmt::format("certificate {} of entry '{}'", c.Subject().ToString(), e.alias)));
    }
  }
  for (const auto& t : store.trusted) {
    CM_RETURN_IF_ERROR(check(X509_get0_pubkey(t.certificate.native()),
                             fmt::format("trusted certificate '{}'", t.alias)));
  }
  return {};
}

bool KeyStore::HasAlias(std::string_view alias) const {
  const std::string a = NormalizeAlias(alias);
  return std::any_of(keys.begin(), keys.end(),
                     [&](const KeyEntry& e) { return NormalizeAlias(e.alias) == a; }) ||
         std::any_of(trusted.begin(), trusted.end(),
                     [&](const TrustedEntry& e) { return NormalizeAlias(e.alias) == a; });
}

std::string_view StoreFormatName(StoreFormat format) {
  switch (format) {
    case StoreFormat::kJks:
      return "JKS";
    case StoreFormat::kJceks:
      return "JCEKS";
    case StoreFormat::kPkcs12:
      return "PKCS12";
    case StoreFormat::kPem:
      return "PEM";
    case StoreFormat::kPemPlain:
      return "PEM (unencrypted key)";
  }
  return "?";
}

Result<StoreFormat> ParseStoreFormat(std::string_view text) {
  std::string t = NormalizeAlias(text);
  if (t == "jks") {
    return StoreFormat::kJks;
  }
  if (t == "p12" || t == "pkcs12" || t == "pfx") {
    return StoreFormat::kPkcs12;
  }
  if (t == "pem") {
    return StoreFormat::kPem;
  }
  if (t == "pem-plain") {
    return StoreFormat::kPemPlain;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("unknown store format '{}' (expected pem, pem-plain, p12 or jks)",
                               PrintableBytes(text, 64)));
}

std::optional<StoreFormat> DetectStoreFormat(std::string_view data) {
  auto starts = [&](std::string_view magic) { return data.substr(0, magic.size()) == magic; };
  if (starts(std::string_view("\xFE\xED\xFE\xED", 4))) {
    return StoreFormat::kJks;
  }
  if (starts(std::string_view("\xCE\xCE\xCE\xCE", 4))) {
    return StoreFormat::kJceks;
  }
  if (data.find("-----BEGIN ") != std::string_view::npos) {
    return StoreFormat::kPem;
  }
  // PFX ::= SEQUENCE { version INTEGER {v3(3)}, ... } (RFC 7292 §4).
  if (data.size() > 8 && static_cast<unsigned char>(data[0]) == 0x30) {
    size_t i = 1;
    unsigned char l = static_cast<unsigned char>(data[i++]);
    if (l & 0x80) {
      i += l & 0x7f;
    }
    if (i + 3 <= data.size() && data[i] == 0x02 && data[i + 1] == 0x01 && data[i + 2] == 0x03) {
      return StoreFormat::kPkcs12;
    }
  }
  return std::nullopt;
}

std::vector<Certificate> BuildChain(const Certificate& leaf, const std::vector<Certificate>& pool) {
  std::vector<Certificate> chain{leaf};
  while (chain.size() < 10) {
    X509* cur = chain.back().native();
    if (X509_check_issued(cur, cur) == X509_V_OK) {
      break;  // self-signed: the root
    }
    const Certificate* issuer = nullptr;
    for (const auto& c : pool) {
      if (X509_check_issued(c.native(), cur) == X509_V_OK && X509_cmp(c.native(), cur) != 0) {
        issuer = &c;
        break;
      }
    }
    if (issuer == nullptr) {
      break;
    }
    chain.push_back(*issuer);
  }
  ClearOpenSslErrors();
  return chain;
}

}  // namespace certmint
