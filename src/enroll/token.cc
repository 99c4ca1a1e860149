#include "enroll/token.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ca/identity_name.h"
#include "core/encoding.h"
#include "core/json_value.h"
#include "core/random.h"
#include "identity/identity.h"
#include "identity/name_template.h"
#include "x509/issue.h"

namespace certmint {
namespace {

std::string LowerHex(std::string_view bytes) { return AsciiLower(Hex(bytes)); }

}  // namespace

Result<SecretString> MakeEnrollmentToken() {
  CM_ASSIGN_OR_RETURN(auto bytes, RandomBytes(32));
  std::string hex =
      LowerHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  SecretString token(std::string(kTokenPrefix) + hex);
  Cleanse(hex);
  std::fill(bytes.begin(), bytes.end(), 0);
  return token;
}

bool LooksLikeEnrollmentToken(std::string_view text) {
  if (text.size() != kTokenLength || text.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return false;
  }
  for (char c : text.substr(kTokenPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string HashEnrollmentToken(std::string_view token) { return LowerHex(Sha256(token)); }

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  long long factor = 0;
  if (unit.empty() || unit == "s") {
    factor = 1;
  } else if (unit == "m") {
    factor = 60;
  } else if (unit == "h") {
    factor = 3600;
  } else if (unit == "d") {
    factor = 86400;
  }
  constexpr long long kTenYears = 10LL * 366 * 86400;
  if (ec != std::errc() || ptr == text.data() || factor == 0 || value <= 0 ||
      value > kTenYears / factor) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' is not a duration (like 90s, 30m, 24h or 7d)", text));
  }
  return std::chrono::seconds(value * factor);
}

Result<TokenGrant> MakeTokenGrant(const std::string& name, const RequestFlags& flags,
                                  std::chrono::seconds ttl, TimePoint now) {
  CM_RETURN_IF_ERROR(ValidateNodeName(name));
  RequestFlags rest = flags;
  rest.subject.clear();  // a template: parsed once expanded
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(rest));
  TokenGrant grant{name, "", EffectiveSans(name, parsed.sans), parsed.role, parsed.days, now + ttl};
  if (!flags.subject.empty()) {
    CM_ASSIGN_OR_RETURN(auto subject,
                        WithContext(ExpandSubjectTemplate(flags.subject, name), "--subject"));
    grant.subject = subject.ToString();
  }
  return grant;
}

Result<DistinguishedName> GrantedSubject(const TokenGrant& grant) {
  if (grant.subject.empty()) {
    return DistinguishedName::CommonName(grant.name);
  }
  return WithContext(DistinguishedName::Parse(grant.subject), "the subject the token grants");
}

Result<CreatedToken> CreateEnrollmentToken(Inventory& inventory, const TokenGrant& grant,
                                           TimePoint now, const DeliverToken& deliver) {
  CM_RETURN_IF_ERROR(ValidateNodeName(grant.name));
  CM_RETURN_IF_ERROR(CheckValidity(grant.days));
  CM_RETURN_IF_ERROR(GrantedSubject(grant).map([](auto&&) {}));
  CM_ASSIGN_OR_RETURN(auto token, MakeEnrollmentToken());
  const std::string hash = HashEnrollmentToken(token.reveal());
  if (deliver) {
    CM_RETURN_IF_ERROR(deliver(token));
  }
  CM_RETURN_IF_ERROR(inventory.AddToken(hash, grant, now));
  return CreatedToken{std::move(token), hash.substr(0, 12)};
}

std::string_view TokenStateName(const TokenRecord& token, TimePoint now) {
  switch (TokenState(token, now)) {
    case RedeemOutcome::kRevoked:
      return "revoked";
    case RedeemOutcome::kUsed:
      return "used";
    case RedeemOutcome::kExpired:
      return "expired";
    case RedeemOutcome::kRedeemed:
    case RedeemOutcome::kUnknown:
      break;
  }
  return "unused";
}

nlohmann::json TokenJson(const TokenRecord& t, TimePoint now) {
  auto subject = GrantedSubject(t.grant);
  return {{"id", t.id},
          {"name", t.grant.name},
          {"subject", subject ? subject->ToString() : t.grant.subject},
          {"dns_names", t.grant.sans.dns},
          {"ip_addresses", t.grant.sans.ips},
          {"role", RoleName(t.grant.role)},
          {"state", TokenStateName(t, now)},
          {"created_at", t.created_at},
          {"expires_at", FormatUtc(t.grant.expires_at)},
          {"used_at", NullIfEmpty(t.used_at)},
          {"revoked_at", NullIfEmpty(t.revoked_at)},
          {"serial", NullIfEmpty(t.serial)}};
}

}  // namespace certmint
