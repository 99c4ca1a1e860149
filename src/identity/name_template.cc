#include "identity/name_template.h"

#include <fmt/format.h>

namespace certmint {

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

Result<std::string> ExpandNameTemplate(std::string_view text, std::string_view name,
                                       const std::optional<std::string>& number) {
  const std::string s = ReplaceAll(std::string(text), "{name}", name);
  if (s.find("{n}") == std::string::npos) {
    return s;
  }
  if (!number) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("{{n}} stands for the number in a group, and '{}' is not one", name));
  }
  return ReplaceAll(s, "{n}", *number);
}

std::optional<std::string> TrailingNumber(std::string_view name) {
  size_t start = name.size();
  while (start > 0 && name[start - 1] >= '0' && name[start - 1] <= '9') {
    --start;
  }
  if (start == name.size()) {
    return std::nullopt;
  }
  return std::string(name.substr(start));
}

Result<DistinguishedName> ExpandSubjectTemplate(std::string_view text, std::string_view name) {
  std::optional<std::string> number = TrailingNumber(name);
  CM_ASSIGN_OR_RETURN(auto expanded, ExpandNameTemplate(text, name, number));
  return DistinguishedName::Parse(expanded);
}

}  // namespace certmint
