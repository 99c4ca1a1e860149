// Templates of an identity's naming, shared by the manifest (`subject` and
// `alias`) and enrollment tokens (`token create --subject`): {name} stands
// for the identity's name and {n} for its number.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "x509/name.h"

namespace certmint {

// `text` with every `from` replaced by `to` (left to right, not again
// inside what was put in).
std::string ReplaceAll(std::string text, std::string_view from, std::string_view to);

// `text` with every {name} replaced by `name` and every {n} by `number`.
// kInvalidArgument when `text` holds {n} and there is no number.
Result<std::string> ExpandNameTemplate(std::string_view text, std::string_view name,
                                       const std::optional<std::string>& number);

// The number a name ends with ("broker-12" -> "12"), as {n} stands for it
// outside a manifest group; nullopt when it ends with no digit.
std::optional<std::string> TrailingNumber(std::string_view name);

// A subject template for the identity `name` ({n}: its TrailingNumber),
// expanded and parsed as a DN (DistinguishedName::Parse).
Result<DistinguishedName> ExpandSubjectTemplate(std::string_view text, std::string_view name);

}  // namespace certmint
