// The decisions of a CA rotation (docs/ca-rotation.md) that are not file
// moves: the name the new CA gets, and whether the previous CA may stop being
// trusted. The moves themselves are RotateCa and RetireCa (ca/authority.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "x509/certificate.h"
#include "x509/name.h"

namespace certmint {

// The subject of the CA that replaces one named `previous` when the operator
// gives none: the old name with the date after the CN ("CN=Kafka CA
// 2026-12-01,O=Acme"), so that people, and Java's trust-anchor lookup by
// name, tell the two roots apart. Without a leading CN: "CN=certmint CA
// <date>" in front of the old name. Errors carry the context "derived subject".
Result<DistinguishedName> RotatedCaSubject(const DistinguishedName& previous, TimePoint now);

// A certificate deployed under a name, such as an identity directory's.
struct DeployedCertificate {
  std::string name;
  Certificate certificate;
};

// What must hold before the previous CA of `dir` is retired.
struct RetirementChecks {
  // Identities whose certificates must all come from `dir`'s current CA;
  // nullopt: none to check.
  std::optional<std::vector<DeployedCertificate>> deployed;
  // Whether to refuse while `dir`'s inventory (when it has one) holds a
  // current, unexpired certificate of the previous CA: nodes enrolled through
  // certmint serve, identities issued elsewhere, the service's own.
  bool inventory = true;
};

// Whether the previous CA of `dir` may stop being trusted at `now`:
// kNotFound when no rotation is in progress; kInvalidArgument naming the
// deployed identities not issued by the current CA, else the inventory's
// certificates still depending on the previous one (ten at most, and what
// to do about each kind), with the way out in the message.
Status CheckRetirement(const std::string& dir, const RetirementChecks& checks, TimePoint now);

}  // namespace certmint
