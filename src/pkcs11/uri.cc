#include "pkcs11/uri.h"

#include <fmt/format.h>

#include <optional>

#include "core/encoding.h"

namespace certmint {
namespace {

constexpr std::string_view kScheme = "pkcs11:";

Result<Pkcs11Uri> BadUri(std::string_view flag, std::string_view text, std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("{}: '{}' is not a usable PKCS#11 URI ({}; expected "
                               "pkcs11:token=LABEL;object=LABEL or ...;id=%XX%XX)",
                               flag, PrintableBytes(text, 120), why));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 7512 §2.3: pk11-pchar is unreserved / pk11-res-avail / pct-encoded.
bool IsUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool IsPathChar(char c) {
  return IsUnreserved(c) || c == ':' || c == '[' || c == ']' || c == '@' || c == '!' || c == '$' ||
         c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == '=' ||
         c == '&';
}

// Percent-decodes one attribute value; nullopt on a bad escape or a
// character RFC 7512 does not allow unescaped in a path attribute.
std::optional<std::string> Decode(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%') {
      if (i + 2 >= v.size()) return std::nullopt;
      const int hi = HexValue(v[i + 1]);
      const int lo = HexValue(v[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (IsPathChar(v[i]) && v[i] != '=') {
      out.push_back(v[i]);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string Encode(std::string_view v, bool all) {
  std::string out;
  for (char c : v) {
    if (!all && IsUnreserved(c)) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

Status CheckQuery(std::string_view flag, std::string_view text, std::string_view query) {
  for (std::string_view name : {"pin-value", "pin-source"}) {
    if (query.find(name) != std::string_view::npos) {
      return tl::unexpected(
          BadUri(flag, text,
                 fmt::format("{} is not honoured: the PIN comes from --pin-file, "
                             "$CERTMINT_PKCS11_PIN or the prompt, never from the URI",
                             name))
              .error());
    }
  }
  return tl::unexpected(
      BadUri(flag, text, "query attributes are not taken; the module is --pkcs11-module").error());
}

}  // namespace

Result<Pkcs11Uri> ParsePkcs11Uri(std::string_view text, std::string_view flag) {
  if (text.size() > kMaxPkcs11UriLength) {
    return BadUri(flag, text.substr(0, 120),
                  fmt::format("longer than {} characters", kMaxPkcs11UriLength));
  }
  if (text.substr(0, kScheme.size()) != kScheme) {
    return BadUri(flag, text, "it must start with pkcs11:");
  }
  std::string_view path = text.substr(kScheme.size());
  if (const size_t q = path.find('?'); q != std::string_view::npos) {
    // The query is not echoed: it may hold a PIN (pin-value).
    const std::string shown = std::string(text.substr(0, kScheme.size() + q)) + "?...";
    CM_RETURN_IF_ERROR(CheckQuery(flag, shown, path.substr(q + 1)));
  }
  Pkcs11Uri uri;
  bool seen_token = false, seen_object = false, seen_id = false, seen_type = false;
  while (!path.empty()) {
    const size_t semi = path.find(';');
    const std::string_view attr = path.substr(0, semi);
    path = semi == std::string_view::npos ? std::string_view() : path.substr(semi + 1);
    const size_t eq = attr.find('=');
    if (eq == std::string_view::npos) {
      return BadUri(flag, text, fmt::format("'{}' has no '='", PrintableBytes(attr, 40)));
    }
    const std::string_view name = attr.substr(0, eq);
    auto value = Decode(attr.substr(eq + 1));
    if (!value) {
      return BadUri(flag, text,
                    fmt::format("a bad character or %-escape in {}", PrintableBytes(name, 40)));
    }
    bool* seen = name == "token"    ? &seen_token
                 : name == "object" ? &seen_object
                 : name == "id"     ? &seen_id
                 : name == "type"   ? &seen_type
                                    : nullptr;
    if (seen == nullptr) {
      return BadUri(flag, text,
                    fmt::format("attribute '{}' is not taken (token, object, id, type=private)",
                                PrintableBytes(name, 40)));
    }
    if (*seen) {
      return BadUri(flag, text, fmt::format("'{}' given twice", name));
    }
    *seen = true;
    if (name == "type" && *value != "private") {
      return BadUri(flag, text, "the CA key is a private key: type=private or no type");
    }
    if (value->empty()) {
      return BadUri(flag, text, fmt::format("'{}' is empty", name));
    }
    if (name == "token") {
      uri.token = std::move(*value);
    } else if (name == "object") {
      uri.object = std::move(*value);
    } else if (name == "id") {
      uri.id = std::move(*value);
    }
  }
  if (!seen_token) {
    return BadUri(flag, text, "token= (the token's label) is required");
  }
  if (!seen_object && !seen_id) {
    return BadUri(flag, text, "object= (the key's label) or id= is required");
  }
  return uri;
}

std::string FormatPkcs11Uri(const Pkcs11Uri& uri) {
  std::string out = fmt::format("pkcs11:token={}", Encode(uri.token, false));
  if (!uri.object.empty()) out += ";object=" + Encode(uri.object, false);
  if (!uri.id.empty()) out += ";id=" + Encode(uri.id, true);
  return out + ";type=private";
}

}  // namespace certmint
