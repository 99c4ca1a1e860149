#include "enroll/token_report.h"

#include <fmt/format.h>

#include "ca/records.h"
#include "core/encoding.h"
#include "core/fs.h"
#include "core/json_value.h"
#include "x509/role.h"

namespace certmint {
namespace {

std::string GrantedSubjectText(const TokenGrant& grant) {
  auto subject = GrantedSubject(grant);
  return subject ? subject->ToString() : grant.subject;
}

}  // namespace

Status CheckTokenFileAbsent(const std::string& path) {
  if (!path.empty() && fs::Exists(path)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", path));
  }
  return {};
}

Result<TokenCreation> CreateTokenIn(const std::string& pki_dir, const std::string& name,
                                    const RequestFlags& request, std::chrono::seconds ttl,
                                    const std::string& token_file, TimePoint now) {
  CM_ASSIGN_OR_RETURN(TokenGrant grant, MakeTokenGrant(name, request, ttl, now));
  CM_RETURN_IF_ERROR(CheckTokenFileAbsent(token_file));
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventory(pki_dir));
  CM_ASSIGN_OR_RETURN(
      auto created, CreateEnrollmentToken(*inventory, grant, now, DeliverTokenToFile(token_file)));
  return TokenCreation{std::move(grant), std::move(created)};
}

DeliverToken DeliverTokenToFile(const std::string& path) {
  return [path](const SecretString& token) -> Status {
    if (path.empty()) {
      return {};
    }
    std::string line = std::string(token.reveal()) + "\n";
    auto st = fs::WriteFileAtomic(path, line, fs::kPrivateFile);
    Cleanse(line);
    return st;
  };
}

std::string RenderTokenCreatedJson(const TokenGrant& grant, const CreatedToken& created,
                                   const std::string& token_file) {
  nlohmann::json j{
      {"id", created.id.substr(0, 12)},       {"name", grant.name},
      {"subject", GrantedSubjectText(grant)}, {"dns_names", grant.sans.dns},
      {"ip_addresses", grant.sans.ips},       {"role", RoleName(grant.role)},
      {"days", grant.days.WholeDays()},  // rounded down: see "validity"
      {"validity", grant.days.ToString()},    {"expires_at", FormatUtc(grant.expires_at)}};
  // One of the two: the token itself, or the file it was written to.
  j["token"] = nullptr;
  j["token_file"] = NullIfEmpty(token_file);
  if (token_file.empty()) {
    j["token"] = std::string(created.token.reveal());
  }
  std::string text = j.dump(2);
  if (token_file.empty()) {
    Cleanse(j["token"].get_ref<std::string&>());
  }
  return text;
}

std::string RenderTokenCreatedText(const TokenGrant& grant, const CreatedToken& created,
                                   const std::string& token_file) {
  const std::string names = grant.sans.ToString();
  return fmt::format(
      "Token {} for {} ({}; {}, role {}), one use, expires {}{}\n", created.id.substr(0, 12),
      grant.name, PrintableBytes(GrantedSubjectText(grant), 300), names.empty() ? "no SANs" : names,
      RoleName(grant.role), FormatUtc(grant.expires_at),
      token_file.empty() ? "" : "; written to " + token_file);
}

std::string RenderTokenListText(const std::vector<TokenRecord>& tokens, TimePoint now) {
  std::string out =
      fmt::format("{:<13} {:<24} {:<8} {:<21} {}\n", "ID", "NAME", "STATE", "EXPIRES", "NAMES");
  for (const auto& t : tokens) {
    out += fmt::format("{:<13} {:<24} {:<8} {:<21} {}\n", PrintableBytes(t.id, 64),
                       PrintableBytes(t.grant.name, 80), TokenStateName(t, now),
                       FormatUtc(t.grant.expires_at), PrintableBytes(t.grant.sans.ToString()));
  }
  return out;
}

std::string RenderTokenListJson(const std::vector<TokenRecord>& tokens, TimePoint now) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : tokens) {
    list.push_back(TokenJson(t, now));
  }
  return list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RenderTokenRevokedText(const TokenRecord& token) {
  return fmt::format("Revoked token {} for {}: it can no longer enroll\n",
                     PrintableBytes(token.id, 64), PrintableBytes(token.grant.name, 80));
}

}  // namespace certmint
