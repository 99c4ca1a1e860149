#include "verify/identity_check.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/json_value.h"
#include "stores/pem_store.h"
#include "stores/store_io.h"
#include "verify/settings.h"

namespace certmint {
namespace {

void Append(std::vector<Check>& to, const std::vector<Check>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

// Checks one keystore (its files read as one store) with its truststore;
// the keystore (or the PEM key, not chain.pem) is a private file.
Status CheckPair(const StorePairFiles& files, const std::string& password_path,
                 const VerifyOptions& options, const StorePasswordFor& password_for,
                 IdentityCheck& out, std::vector<std::string>& private_files) {
  CM_ASSIGN_OR_RETURN(auto pw, password_for(password_path));
  const SecretString* p = pw ? &*pw : nullptr;
  CM_ASSIGN_OR_RETURN(auto ks, LoadStoreFiles(files.keystore_files, p));
  CM_ASSIGN_OR_RETURN(auto ts, LoadStoreFile(files.truststore_file, p));
  StorePair pair{fs::Basename(files.keystore_files[0]), fs::Basename(files.truststore_file), ks,
                 ts};
  Append(out.checks, VerifyStorePair(pair, options));
  if (auto data = fs::ReadFile(files.keystore_files[0])) {
    // Format pem-plain, for peers that take no passphrase: say what it costs.
    if (HasPlainPrivateKey(*data)) {
      out.checks.push_back(
          {pair.keystore_label, "key_encryption", "", "key encryption", CheckStatus::kWarn,
           "the private key is not encrypted (pem-plain): whoever can read the file has the "
           "key, and its mode (0600) is all that protects it; use pem where the peer takes a "
           "passphrase"});
    }
    Cleanse(*data);
  }
  if (!out.keystore) {
    out.keystore.emplace(std::move(ks));
  }
  private_files.push_back(files.keystore_files[0]);
  return {};
}

}  // namespace

Result<IdentityCheck> CheckIdentity(const IdentityCheckTarget& target, const VerifyOptions& options,
                                    const StorePasswordFor& password_for) {
  IdentityCheck out{target.identity, {}, std::nullopt};
  std::vector<std::string> private_files;
  for (const auto& pair : target.pairs) {
    const std::string& password_path = target.dir.empty() ? pair.keystore_files[0] : target.dir;
    CM_RETURN_IF_ERROR(CheckPair(pair, password_path, options, password_for, out, private_files));
  }
  if (!target.dir.empty()) {
    for (const char* extra : {"password", "kafka.properties", "librdkafka.properties"}) {
      if (fs::Exists(target.dir + "/" + extra)) {
        private_files.push_back(target.dir + "/" + extra);
      }
    }
    Append(out.checks, VerifySettingsFiles(target.dir));
  }
  Append(out.checks, CheckPrivateFileModes(private_files));
  Append(out.checks, CheckPasswordFileModes(target.password_files));
  return out;
}

Status WriteExpiryMetrics(const std::string& path, const IdentityCheck& result, TimePoint now) {
  const std::string text =
      result.keystore ? ExpiryMetrics(result.identity, *result.keystore, now) : "";
  return fs::WriteFileAtomic(path, text, fs::kPublicFile);
}

std::string RenderIdentityCheckText(const IdentityCheck& result) {
  std::string text;
  int fails = 0;
  int warns = 0;
  for (const auto& c : result.checks) {
    text +=
        fmt::format("{:<4}  {}: {}: {}\n", CheckStatusName(c.status), c.scope, c.name, c.detail);
    fails += c.status == CheckStatus::kFail;
    warns += c.status == CheckStatus::kWarn;
  }
  return text + fmt::format("{}: {} checks, {} warnings, {} failures\n", result.identity,
                            result.checks.size(), warns, fails);
}

std::string RenderIdentityCheckJson(const IdentityCheck& result) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : result.checks) {
    list.push_back({{"scope", c.scope},
                    {"id", c.id},
                    {"subject", NullIfEmpty(c.subject)},
                    {"check", c.name},
                    {"status", CheckStatusName(c.status)},
                    {"detail", c.detail}});
  }
  return nlohmann::json{{"identity", result.identity},
                        {"result", CheckStatusName(WorstStatus(result.checks))},
                        {"checks", list}}
      .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace certmint
