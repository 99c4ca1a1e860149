#include "ca/ca_settings.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "core/encoding.h"
#include "core/fs.h"
#include "x509/general_names.h"

namespace certmint {
namespace {

constexpr std::string_view kScheme = "http://";
constexpr size_t kMaxSettingsBytes = 64 * 1024;

Result<std::string> BadUrl(std::string_view flag, std::string_view text, std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("{}: '{}' is not a status URL ({}; expected http://HOST[:PORT])",
                               flag, PrintableBytes(text, 80), why));
}

// HOST (a DNS name, an IPv4 address, or [IPv6]) and an optional :PORT.
Status CheckAuthority(std::string_view authority) {
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "unclosed '['");
    }
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return MakeError(ErrorCode::kInvalidArgument, "text after the address");
    }
    port = rest.empty() ? rest : rest.substr(1);
    if (!ParseIpAddress(host) || host.find(':') == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "not an IPv6 address in brackets");
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (!ParseIpAddress(host) && !ParseDnsName(host)) {
      return MakeError(ErrorCode::kInvalidArgument, "not a host name or an IP address");
    }
    if (host.find('*') != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "a wildcard host");
    }
  }
  if (authority.find(':') != std::string_view::npos && authority.back() == ':') {
    return MakeError(ErrorCode::kInvalidArgument, "an empty port");
  }
  if (!port.empty()) {
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return MakeError(ErrorCode::kInvalidArgument, "the port must be 1 to 65535");
    }
  }
  return {};
}

}  // namespace

std::string CaSettingsPath(const std::string& dir) { return dir + "/settings.json"; }

Result<std::string> ParseStatusUrl(std::string_view text, std::string_view flag) {
  if (text.size() > kMaxStatusUrlLength) {
    return BadUrl(flag, text, fmt::format("longer than {} characters", kMaxStatusUrlLength));
  }
  if (text.substr(0, kScheme.size()) != kScheme) {
    return BadUrl(flag, text, "only http:// (the answers are signed; see docs/revocation.md)");
  }
  std::string_view authority = text.substr(kScheme.size());
  if (!authority.empty() && authority.back() == '/') {
    authority.remove_suffix(1);
  }
  if (authority.empty()) {
    return BadUrl(flag, text, "no host");
  }
  if (authority.find_first_of("/?#@%\\ ") != std::string_view::npos) {
    return BadUrl(flag, text, "a path, query, user or escape after the host");
  }
  if (auto st = CheckAuthority(authority); !st) {
    return BadUrl(flag, text, st.error().message());
  }
  return std::string(kScheme) + std::string(authority);
}

StatusLocations StatusLocationsOf(const std::string& base_url) {
  if (base_url.empty()) {
    return {};
  }
  return StatusLocations{base_url + std::string(kOcspPath), base_url + std::string(kCrlPath)};
}

Result<CaSettings> LoadCaSettings(const std::string& dir) {
  const std::string path = CaSettingsPath(dir);
  if (!fs::Exists(path)) {
    return CaSettings{};
  }
  CM_ASSIGN_OR_RETURN(auto text, fs::ReadFile(path, kMaxSettingsBytes));
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return MakeError(ErrorCode::kInvalidData, fmt::format("{}: not a JSON object", path));
  }
  CaSettings settings;
  for (const auto& [key, value] : json.items()) {
    if (key != "url") {
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("{}: unknown key '{}'", path, PrintableBytes(key, 40)));
    }
    if (!value.is_string()) {
      return MakeError(ErrorCode::kInvalidData, fmt::format("{}: 'url' is not a string", path));
    }
    CM_ASSIGN_OR_RETURN(settings.url,
                        WithContext(ParseStatusUrl(value.get<std::string>(), "url"), path));
  }
  return settings;
}

Status SaveCaSettings(const std::string& dir, const CaSettings& settings) {
  const std::string path = CaSettingsPath(dir);
  if (settings.url.empty()) {
    fs::RemoveAll(path);
    return {};
  }
  const nlohmann::json json{{"url", settings.url}};
  return fs::WriteFileAtomic(path, json.dump(2) + "\n", fs::kPublicFile);
}

Result<CaSettings> SetCaUrl(const std::string& dir, const std::optional<std::string>& url) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(dir));
  CM_ASSIGN_OR_RETURN(auto settings, LoadCaSettings(dir));
  settings.url.clear();
  if (url) {
    CM_ASSIGN_OR_RETURN(settings.url, ParseStatusUrl(*url));
  }
  CM_RETURN_IF_ERROR(SaveCaSettings(dir, settings));
  return settings;
}

}  // namespace certmint
