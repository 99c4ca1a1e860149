// One-time enrollment tokens: 256 random bits, shown once to the operator
// and stored by the CA service only as their SHA-256.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"
#include "inventory/inventory.h"
#include "x509/name.h"
#include "x509/request_flags.h"

namespace certmint {

// "cmt_" followed by 64 hex digits (32 random bytes).
inline constexpr std::string_view kTokenPrefix = "cmt_";
inline constexpr size_t kTokenLength = 4 + 64;

Result<SecretString> MakeEnrollmentToken();

// Whether `text` has the token's shape (prefix, length, hex digits).
bool LooksLikeEnrollmentToken(std::string_view text);

// Lower-case hex SHA-256 of the token: what the inventory stores.
std::string HashEnrollmentToken(std::string_view token);

// "90s", "30m", "24h", "7d" (a bare number is seconds); kInvalidArgument
// otherwise, or when zero or above ten years.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

struct CreatedToken {
  SecretString token;  // shown once, never stored
  std::string id;      // the first 12 hex digits of its hash: safe to show
};

// Hands a new token to the operator (writes its file) before it is
// recorded; an error records nothing.
using DeliverToken = std::function<Status(const SecretString& token)>;

// The grant `token create NAME` makes from its flags (--dns, --ip, --role,
// --days, --subject): NAME's effective SANs, and the subject template
// ({name} and {n} as in a manifest; {n} is the number NAME ends with)
// expanded for NAME, usable until `now` + `ttl`. Errors name the flag.
Result<TokenGrant> MakeTokenGrant(const std::string& name, const RequestFlags& flags,
                                  std::chrono::seconds ttl, TimePoint now);

// The subject a certificate obtained with `grant` gets: grant.subject, or
// CN=name for a grant without one. kInvalidData when the stored subject does
// not parse.
Result<DistinguishedName> GrantedSubject(const TokenGrant& grant);

// Makes a one-time token for `grant` (its name checked as a node name,
// days at least 1), delivers it, then stores its hash in `inventory`.
Result<CreatedToken> CreateEnrollmentToken(Inventory& inventory, const TokenGrant& grant,
                                           TimePoint now, const DeliverToken& deliver);

// "unused", "used", "expired" or "revoked" (TokenState's answer).
std::string_view TokenStateName(const TokenRecord& token, TimePoint now);

// A token as `token list --json` shows it: id, name, subject (what the
// certificate gets), dns_names, ip_addresses, role, state, created_at, expires_at, used_at,
// revoked_at, serial. Never the token itself (only its hash is stored).
nlohmann::json TokenJson(const TokenRecord& token, TimePoint now);

}  // namespace certmint
