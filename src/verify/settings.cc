#include "verify/settings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/encoding.h"
#include "core/fs.h"
#include "identity/properties.h"
#include "keys/private_key.h"
#include "stores/pem_store.h"
#include "stores/store_io.h"

namespace certmint {
namespace {

bool IsPropertiesSpace(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Appends code point `cp` as UTF-8.
void PutUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The logical lines of a properties file: natural lines joined where one
// ends in an odd number of backslashes (the next one's leading whitespace
// dropped); comment and blank lines left out.
std::vector<std::string> LogicalLines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  size_t i = 0;
  while (i <= text.size()) {
    size_t end = text.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view natural = text.substr(i, end - i);
    i = end + ((end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') ? 2 : 1);
    size_t lead = 0;
    while (lead < natural.size() && IsPropertiesSpace(natural[lead])) {
      ++lead;
    }
    natural.remove_prefix(lead);
    if (!continuing && (natural.empty() || natural[0] == '#' || natural[0] == '!')) {
      continue;
    }
    size_t slashes = 0;
    while (slashes < natural.size() && natural[natural.size() - 1 - slashes] == '\\') {
      ++slashes;
    }
    continuing = slashes % 2 == 1;
    current.append(natural.substr(0, natural.size() - (continuing ? 1 : 0)));
    if (!continuing) {
      lines.push_back(std::move(current));
      current.clear();
    }
  }
  if (continuing) {
    lines.push_back(std::move(current));
  }
  return lines;
}

// Unescapes a key or value; bytes outside ASCII are ISO 8859-1 characters.
std::string Unescape(std::string_view s) {
  std::string out;
  uint32_t high = 0;  // a pending high surrogate from \uD8xx
  auto put = [&](uint32_t unit) {
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      high = unit;
      return;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF && high != 0) {
      PutUtf8(out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
    } else {
      PutUtf8(out, unit);
    }
    high = 0;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != '\\' || i + 1 == s.size()) {
      put(c);
      continue;
    }
    const char e = s[++i];
    if (e == 'u' && i + 4 < s.size()) {
      uint32_t unit = 0;
      bool ok = true;
      for (size_t k = 1; ok && k <= 4; ++k) {
        const unsigned char h = static_cast<unsigned char>(s[i + k]);
        ok = std::isxdigit(h) != 0;
        unit = unit * 16 +
               static_cast<uint32_t>(std::isdigit(h) ? h - '0' : std::tolower(h) - 'a' + 10);
      }
      if (ok) {
        put(unit);
        i += 4;
        continue;
      }
    }
    put(e == 't'   ? '\t'
        : e == 'n' ? '\n'
        : e == 'r' ? '\r'
        : e == 'f' ? '\f'
                   : static_cast<unsigned char>(e));
  }
  return out;
}

// A file a settings file names: the path itself when it is on this machine,
// else the file of that name in the identity directory.
std::string Locate(const std::string& dir, const std::string& path) {
  if (path.empty() || fs::Exists(path)) {
    return path;
  }
  const std::string here = dir + "/" + fs::Basename(path);
  return fs::Exists(here) ? here : path;
}

// "PATH" or "PATH (checked as DIR/NAME)" for details.
std::string Shown(const std::string& path, const std::string& located) {
  return path == located ? path : fmt::format("{} (checked as {})", path, located);
}

using Settings = std::map<std::string, std::string>;

void WipeValues(Settings& p) {
  for (auto& [key, value] : p) {
    Cleanse(value);
  }
}

// kcat's read_conf_file turns every "\:" of a line into ":" and every "\="
// into "=", searching again from the start each time (so "\\=" ends as
// "="), before it splits the line at its first '='.
void StripKcatEscapes(std::string& s) {
  for (std::string_view escape : {"\\:", "\\="}) {
    for (size_t at = s.find(escape); at != std::string::npos; at = s.find(escape)) {
      s.erase(at, 1);
    }
  }
}

const std::string* Find(const Settings& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? nullptr : &it->second;
}

// A settings check's stable id: its constant name in snake case
// ("CA file reads" -> "ca_file_reads").
std::string SettingsCheckId(std::string_view name) {
  std::string id;
  for (char c : name) {
    id += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return id;
}

Check SettingsCheck(const std::string& scope, const std::string& name, CheckStatus status,
                    std::string detail) {
  return {scope, SettingsCheckId(name), "", name, status, std::move(detail)};
}

// The check `name`: ok with `detail`, or the failure of `st` prefixed with
// `about`, the file it concerned.
Check Judged(const std::string& scope, const std::string& name, Status st, const std::string& about,
             const std::string& detail) {
  if (!st) {
    st.error().AddContext(about);
    return SettingsCheck(scope, name, CheckStatus::kFail, st.error().ToString());
  }
  return SettingsCheck(scope, name, CheckStatus::kOk, detail);
}

// ssl.endpoint.identification.algorithm: `off` (Kafka: empty; librdkafka:
// none) turns hostname verification off, which warns.
Check HostnameVerification(const std::string& scope, const Settings& p, const std::string& off,
                           const std::string& default_name) {
  const std::string* algorithm = Find(p, "ssl.endpoint.identification.algorithm");
  if (algorithm != nullptr && *algorithm == off) {
    return SettingsCheck(scope, "hostname verification", CheckStatus::kWarn,
                         (off.empty() ? "ssl.endpoint.identification.algorithm is empty"
                                      : "ssl.endpoint.identification.algorithm=" + off) +
                             ": any certificate of the CA can pose as any broker");
  }
  return SettingsCheck(scope, "hostname verification", CheckStatus::kOk,
                       algorithm != nullptr ? *algorithm : default_name);
}

// HostnameVerification for librdkafka.properties, which also says what kcat
// -F does with the setting: it skips it, taking it for a Java one
// (try_java_conf_set in kcat.c), and librdkafka runs with its default.
Check LibrdkafkaHostnameVerification(const Settings& p) {
  Check c = HostnameVerification("librdkafka.properties", p, "none",
                                 "https (librdkafka's default since 2.0)");
  if (Find(p, "ssl.endpoint.identification.algorithm") != nullptr) {
    c.detail +=
        "; kcat -F skips this line (it takes it for a Java setting): harmless with librdkafka "
        "2.0 or later, whose default is https; with an older librdkafka, kcat checks no host "
        "name unless given -X ssl.endpoint.identification.algorithm=https";
  }
  return c;
}

// ssl.keystore.* or ssl.truststore.* of kafka.properties.
void CheckKafkaStore(const std::string& dir, const Settings& p, bool keystore,
                     std::vector<Check>& out) {
  const std::string scope = "kafka.properties";
  const std::string prefix = keystore ? "ssl.keystore" : "ssl.truststore";
  const std::string check = keystore ? "keystore opens" : "truststore opens";
  const std::string* location = Find(p, prefix + ".location");
  if (location == nullptr) {
    if (keystore) {
      out.push_back(SettingsCheck(scope, check, CheckStatus::kWarn,
                                  "no ssl.keystore.location: no client certificate (brokers "
                                  "that require one refuse this client)"));
    }
    return;
  }
  const std::string* type = Find(p, prefix + ".type");
  const std::string store_type = type != nullptr ? *type : "JKS";
  const std::string* password = Find(p, prefix + ".password");
  const std::string* key_password = Find(p, "ssl.key.password");
  const std::string file = Locate(dir, *location);
  std::string detail;
  Status st = [&]() -> Status {
    CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(file));
    KeyStore store;
    if (store_type == "PEM") {
      if (password != nullptr) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("{}.password must not be set for a PEM store: Kafka refuses "
                                     "it (the key takes ssl.key.password)",
                                     prefix));
      }
      const std::optional<PemKeyInfo> key_block = FindPemPrivateKey(data);
      if (keystore && PemProfileOf(data) == PemProfile::kModern && key_block &&
          key_block->label == "ENCRYPTED PRIVATE KEY") {
        return MakeError(ErrorCode::kInvalidData,
                         "the key is PBES2-encrypted, which Java 17 cannot decrypt for a PEM "
                         "store (JDK-8231581): convert with --pem-profile java");
      }
      SecretString kpw(key_password != nullptr ? *key_password : "");
      CM_ASSIGN_OR_RETURN(store,
                          WithContext(ReadPemStore(data, key_password != nullptr ? &kpw : nullptr),
                                      "with ssl.key.password"));
    } else {
      SecretString pw(password != nullptr ? *password : "");
      StoreFormat format{};
      CM_ASSIGN_OR_RETURN(store,
                          WithContext(ReadStore(data, password != nullptr ? &pw : nullptr, &format),
                                      password != nullptr ? "with " + prefix + ".password"
                                                          : "without " + prefix + ".password"));
      if (format == StoreFormat::kPem) {
        return MakeError(ErrorCode::kInvalidData,
                         fmt::format("a PEM file, but {}.type is {}", prefix, store_type));
      }
      if (keystore && key_password != nullptr && password != nullptr &&
          *key_password != *password) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "ssl.key.password differs from ssl.keystore.password, and the key is "
                         "protected by the store password");
      }
    }
    if (keystore && store.keys.empty()) {
      return MakeError(ErrorCode::kInvalidData, "no private key entry");
    }
    if (!keystore && store.trusted.empty()) {
      return MakeError(ErrorCode::kInvalidData,
                       password == nullptr
                           ? "no trusted certificate readable without a password: Kafka would "
                             "trust nothing (set ssl.truststore.password, or write the "
                             "truststore with --passwordless-truststore)"
                           : "no trusted certificate: Kafka would trust nothing");
    }
    detail = keystore ? fmt::format("{} {}: key entry '{}', chain of {}", store_type,
                                    Shown(*location, file), PrintableBytes(store.keys[0].alias),
                                    store.keys[0].chain.size())
                      : fmt::format("{} {}: {} trusted certificate(s)", store_type,
                                    Shown(*location, file), store.trusted.size());
    return {};
  }();
  out.push_back(Judged(scope, check, st, Shown(*location, file), detail));
}

void CheckKafkaSettings(const std::string& dir, const Settings& p, std::vector<Check>& out) {
  CheckKafkaStore(dir, p, true, out);
  CheckKafkaStore(dir, p, false, out);
}

void CheckLibrdkafkaSettings(const std::string& dir, const Settings& p, std::vector<Check>& out) {
  const std::string scope = "librdkafka.properties";
  if (const std::string* ca = Find(p, "ssl.ca.location")) {
    const std::string file = Locate(dir, *ca);
    std::string detail;
    Status st = [&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(file));
      CM_ASSIGN_OR_RETURN(auto certs, Certificate::ChainFromPem(pem));
      detail = fmt::format("{}: {} certificate(s)", Shown(*ca, file), certs.size());
      return {};
    }();
    out.push_back(Judged(scope, "CA file reads", st, Shown(*ca, file), detail));
  }
  const std::string* key = Find(p, "ssl.key.location");
  const std::string* keystore = Find(p, "ssl.keystore.location");
  if (key != nullptr || keystore != nullptr) {
    const std::string& named = key != nullptr ? *key : *keystore;
    const std::string file = Locate(dir, named);
    std::string detail;
    Status st = [&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(file));
      KeyStore store;
      if (key != nullptr) {
        const std::string* pw = Find(p, "ssl.key.password");
        SecretString secret(pw != nullptr ? *pw : "");
        CM_ASSIGN_OR_RETURN(
            auto k, WithContext(PrivateKey::FromPem(data, pw != nullptr ? &secret : nullptr),
                                "with ssl.key.password"));
        const std::string* cert = Find(p, "ssl.certificate.location");
        if (cert == nullptr) {
          return MakeError(ErrorCode::kInvalidArgument, "no ssl.certificate.location");
        }
        CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(Locate(dir, *cert)));
        CM_ASSIGN_OR_RETURN(auto chain, Certificate::ChainFromPem(pem));
        if (chain.empty() || !chain[0].MatchesKey(k)) {
          return MakeError(ErrorCode::kInvalidData,
                           "the first certificate of ssl.certificate.location does not belong "
                           "to the key");
        }
        detail =
            fmt::format("{} with ssl.key.password; chain of {}", Shown(named, file), chain.size());
      } else {
        const std::string* pw = Find(p, "ssl.keystore.password");
        SecretString secret(pw != nullptr ? *pw : "");
        CM_ASSIGN_OR_RETURN(store, WithContext(ReadStore(data, pw != nullptr ? &secret : nullptr),
                                               "with ssl.keystore.password"));
        if (store.keys.empty()) {
          return MakeError(ErrorCode::kInvalidData, "no private key entry");
        }
        detail = fmt::format("{} with ssl.keystore.password; chain of {}", Shown(named, file),
                             store.keys[0].chain.size());
      }
      return {};
    }();
    out.push_back(Judged(scope, "key opens", st, Shown(named, file), detail));
  }
}

}  // namespace

std::map<std::string, std::string> ParseKafkaProperties(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const std::string& line : LogicalLines(text)) {
    size_t i = 0;
    while (i < line.size() && !IsPropertiesSpace(line[i]) && line[i] != '=' && line[i] != ':') {
      i += line[i] == '\\' ? 2 : 1;
    }
    i = std::min(i, line.size());
    const std::string key = Unescape(std::string_view(line).substr(0, i));
    while (i < line.size() && IsPropertiesSpace(line[i])) {
      ++i;
    }
    if (i < line.size() && (line[i] == '=' || line[i] == ':')) {
      ++i;
    }
    while (i < line.size() && IsPropertiesSpace(line[i])) {
      ++i;
    }
    out[key] = TrimAsciiSpace(Unescape(std::string_view(line).substr(i)));
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseLibrdkafkaProperties(std::string_view text) {
  Settings out;
  int line = 0;
  for (size_t i = 0; i < text.size();) {
    // One fgets: up to the line break, at most kKcatMaxLine bytes, read as
    // a C string (up to a NUL).
    const size_t end = text.find('\n', i);
    const size_t take =
        std::min((end == std::string_view::npos ? text.size() : end + 1) - i, kKcatMaxLine);
    std::string_view piece = text.substr(i, take);
    piece = piece.substr(0, piece.find('\0'));
    i += take;
    ++line;
    std::string s = TrimAsciiSpace(piece);
    if (s.empty() || s[0] == '#') {
      continue;
    }
    StripKcatEscapes(s);
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      Cleanse(s);
      WipeValues(out);
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("line {}: expected property=value (kcat -F stops here)", line));
    }
    // librdkafka itself skips white space at the start of a value
    // (rd_kafka_conf_set; kcat -X dump shows it).
    size_t value = eq + 1;
    while (value < s.size() && std::isspace(static_cast<unsigned char>(s[value])) != 0) {
      ++value;
    }
    out[s.substr(0, eq)] = s.substr(value);
    Cleanse(s);
  }
  return out;
}

std::vector<Check> VerifySettingsFiles(const std::string& dir) {
  struct SettingsFile {
    std::string name;
    Result<Settings> (*parse)(std::string_view);
    void (*check)(const std::string&, const Settings&, std::vector<Check>&);
    Check (*hostname)(const Settings&);
  };
  const SettingsFile files[] = {
      {"kafka.properties",
       [](std::string_view text) -> Result<Settings> { return ParseKafkaProperties(text); },
       CheckKafkaSettings,
       [](const Settings& p) {
         return HostnameVerification("kafka.properties", p, "", "https (Kafka's default)");
       }},
      {"librdkafka.properties", ParseLibrdkafkaProperties, CheckLibrdkafkaSettings,
       LibrdkafkaHostnameVerification},
  };
  std::vector<Check> out;
  for (const auto& f : files) {
    const std::string path = dir + "/" + f.name;
    if (!fs::Exists(path)) {
      continue;
    }
    auto text = fs::ReadFile(path);
    if (!text) {
      out.push_back(SettingsCheck(f.name, "readable", CheckStatus::kFail, text.error().ToString()));
      continue;
    }
    auto parsed = f.parse(*text);
    Cleanse(*text);
    if (!parsed) {
      out.push_back(
          SettingsCheck(f.name, "readable", CheckStatus::kFail, parsed.error().ToString()));
      continue;
    }
    Settings& p = *parsed;
    f.check(dir, p, out);
    out.push_back(f.hostname(p));
    WipeValues(p);  // the passwords
  }
  return out;
}

}  // namespace certmint
