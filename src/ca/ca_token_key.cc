#include "ca/ca_token_key.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/fs.h"

namespace certmint {
namespace {

constexpr size_t kMaxFileBytes = 16 * 1024;

}  // namespace

std::string CaTokenKeyPath(const std::string& dir) { return dir + "/ca-key.json"; }

bool CaKeyInToken(const std::string& dir) { return fs::Exists(CaTokenKeyPath(dir)); }

std::string CaTokenKeyJson(const TokenKeyRef& ref) {
  return nlohmann::json{{"pkcs11_uri", FormatPkcs11Uri(ref.uri)}, {"module", ref.module}}.dump(
             2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

Result<std::optional<TokenKeyRef>> LoadCaTokenKey(const std::string& dir) {
  const std::string path = CaTokenKeyPath(dir);
  if (!fs::Exists(path)) {
    return std::optional<TokenKeyRef>();
  }
  CM_ASSIGN_OR_RETURN(auto text, fs::ReadFile(path));
  const auto bad = [&](std::string_view why) {
    return MakeError(
        ErrorCode::kInvalidData,
        fmt::format("{}: {} (expected {{\"pkcs11_uri\": ..., \"module\": ...}})", path, why));
  };
  if (text.size() > kMaxFileBytes) {
    return bad("too large");
  }
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("pkcs11_uri") || !doc["pkcs11_uri"].is_string() ||
      !doc.contains("module") || !doc["module"].is_string() ||
      doc["module"].get<std::string>().empty()) {
    return bad("not a token key reference");
  }
  TokenKeyRef ref;
  ref.module = doc["module"].get<std::string>();
  CM_ASSIGN_OR_RETURN(
      ref.uri,
      WithContext(ParsePkcs11Uri(doc["pkcs11_uri"].get<std::string>(), "pkcs11_uri"), path));
  return std::optional<TokenKeyRef>(std::move(ref));
}

}  // namespace certmint
