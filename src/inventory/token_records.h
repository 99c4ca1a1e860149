// What the inventory keeps of a one-time enrollment token (enroll/token.h
// makes them): the grant, its state, and the certificate it obtained.
#pragma once

#include <string>

#include "core/encoding.h"
#include "x509/general_names.h"
#include "x509/role.h"
#include "x509/validity.h"

namespace certmint {

// What a one-time enrollment token lets its holder obtain: a certificate for
// `name` with `subject`, carrying at most `sans`, with `role`'s EKU, for
// `days`.
struct TokenGrant {
  std::string name;
  // The certificate's subject as DistinguishedName::ToString writes it (the
  // token's template expanded for `name`), whatever the request asks for:
  // Kafka's principal. Empty: CN=name (tokens made before subjects existed).
  std::string subject;
  SubjectAltNames sans;
  Role role = Role::kBoth;
  Validity days = 365;
  TimePoint expires_at;
};

struct TokenRecord {
  std::string id;  // the first 12 hex digits of the hash: safe to show
  TokenGrant grant;
  std::string created_at;
  std::string used_at;     // empty while unused
  std::string revoked_at;  // set by RevokeToken: the token no longer works
  std::string serial;      // of the certificate it obtained
};

enum class RedeemOutcome { kRedeemed, kUnknown, kUsed, kExpired, kRevoked };

// Whether `token` can still be redeemed at `now`: kRedeemed when it can,
// else why not (kRevoked before kUsed before kExpired).
RedeemOutcome TokenState(const TokenRecord& token, TimePoint now);

}  // namespace certmint
