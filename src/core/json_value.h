// Values of certmint's --json output (docs/json.md): a value that is absent
// is null, never an empty string, so scripts test one thing.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.h"

namespace certmint {

// `text`, or null when it is empty.
inline nlohmann::json NullIfEmpty(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

// `*text`, or null when there is none (or it is empty).
inline nlohmann::json NullIfEmpty(const std::optional<std::string>& text) {
  return text ? NullIfEmpty(*text) : nlohmann::json(nullptr);
}

// An error as every command prints it with --json, on stdout (the exit code
// stays the error's): {"error": {"code": "not-found", "exit_code": 3,
// "message": the innermost cause, "context": outermost first, "text": the
// line printed on stderr without "certmint: error: "}}.
inline nlohmann::json ErrorJson(const Error& e) {
  return {{"error",
           {{"code", ErrorCodeName(e.code())},
            {"exit_code", static_cast<int>(e.code())},
            {"message", e.message()},
            {"context", e.context()},
            {"text", e.ToString()}}}};
}

}  // namespace certmint
