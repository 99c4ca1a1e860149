#include "enroll/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/encoding.h"

namespace certmint {
namespace {

using nlohmann::json;

Result<json> ParseObject(std::string_view body, std::initializer_list<std::string_view> fields) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return MakeError(ErrorCode::kInvalidData, "the body is not valid JSON");
  }
  if (!j.is_object()) {
    return MakeError(ErrorCode::kInvalidData, "the body must be a JSON object");
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("unknown field '{}'", PrintableField(key)));
    }
  }
  for (auto f : fields) {
    auto it = j.find(std::string(f));
    if (it == j.end() || !it->is_string()) {
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("field '{}' is missing or not a string", f));
    }
  }
  return j;
}

Result<std::vector<Certificate>> CertificateArray(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_array()) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("field '{}' is missing or not an array", field));
  }
  std::vector<Certificate> out;
  for (const auto& e : *it) {
    if (!e.is_string()) {
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("field '{}' holds a non-string", field));
    }
    CM_ASSIGN_OR_RETURN(auto c, WithContext(Certificate::FromPem(e.get<std::string>()), field));
    out.push_back(std::move(c));
  }
  return out;
}

json PemArray(const std::vector<Certificate>& certs) {
  json a = json::array();
  for (const auto& c : certs) {
    a.push_back(c.ToPem());
  }
  return a;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The optional "retry": true of a request, and the body without it (when
// it was there: the caller wipes it, as it may hold a token).
struct Retry {
  bool retry = false;
  std::optional<std::string> rest;
};

Result<Retry> TakeRetry(std::string_view body) {
  if (body.find("\"retry\"") == std::string_view::npos) {
    return Retry{};
  }
  json whole = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!whole.is_object() || !whole.contains("retry")) {
    return Retry{};  // ParseObject says what is wrong
  }
  if (!whole["retry"].is_boolean()) {
    return MakeError(ErrorCode::kInvalidData, "field 'retry' is not a boolean");
  }
  Retry out{whole["retry"].get<bool>(), std::nullopt};
  whole.erase("retry");
  out.rest = Dump(whole);
  if (whole.contains("token") && whole["token"].is_string()) {
    Cleanse(whole["token"].get_ref<std::string&>());
  }
  return out;
}

}  // namespace

// Field names come from the client: keep them short and printable in errors.
std::string PrintableField(std::string_view key, size_t max) {
  std::string out;
  for (char c : key.substr(0, max)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

Result<EnrollRequest> ParseEnrollRequest(std::string_view body) {
  CM_ASSIGN_OR_RETURN(auto retry, TakeRetry(body));
  CM_ASSIGN_OR_RETURN(auto j,
                      ParseObject(retry.rest ? *retry.rest : body, {"token", "name", "csr"}));
  if (retry.rest) {
    Cleanse(*retry.rest);
  }
  EnrollRequest r;
  r.retry = retry.retry;
  auto& token = j["token"].get_ref<std::string&>();
  r.token = SecretString(token);
  Cleanse(token);
  r.name = j["name"].get<std::string>();
  r.csr_pem = j["csr"].get<std::string>();
  return r;
}

Result<RenewRequest> ParseRenewRequest(std::string_view body) {
  CM_ASSIGN_OR_RETURN(auto retry, TakeRetry(body));
  CM_ASSIGN_OR_RETURN(auto j, ParseObject(retry.rest ? *retry.rest : body, {"csr"}));
  return RenewRequest{j["csr"].get<std::string>(), retry.retry};
}

std::string EnrollRequestJson(const SecretString& token, const std::string& name,
                              const std::string& csr_pem, bool retry) {
  json j{{"token", std::string(token.reveal())}, {"name", name}, {"csr", csr_pem}};
  if (retry) {
    j["retry"] = true;
  }
  std::string out = Dump(j);
  Cleanse(j["token"].get_ref<std::string&>());
  return out;
}

std::string RenewRequestJson(const std::string& csr_pem, bool retry) {
  json j{{"csr", csr_pem}};
  if (retry) {
    j["retry"] = true;
  }
  return Dump(j);
}

std::string IssuedChainJson(const IssuedChain& issued) {
  return Dump(json{{"name", issued.name},
                   {"serial", issued.certificate.SerialHex()},
                   {"not_after", FormatUtc(issued.certificate.NotAfter())},
                   {"certificate", issued.certificate.ToPem()},
                   {"chain", PemArray(issued.chain)},
                   {"trust", PemArray(issued.trust)}});
}

Result<IssuedChain> ParseIssuedChain(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string() ||
      !j.contains("certificate") || !j["certificate"].is_string()) {
    return MakeError(ErrorCode::kInvalidData,
                     "the server's answer is not a certificate chain (fields name, certificate)");
  }
  CM_ASSIGN_OR_RETURN(
      auto cert,
      WithContext(Certificate::FromPem(j["certificate"].get<std::string>()), "certificate"));
  CM_ASSIGN_OR_RETURN(auto chain, CertificateArray(j, "chain"));
  CM_ASSIGN_OR_RETURN(auto trust, CertificateArray(j, "trust"));
  return IssuedChain{j["name"].get<std::string>(), std::move(cert), std::move(chain),
                     std::move(trust)};
}

std::string CaBundleJson(const std::vector<Certificate>& trust,
                         const std::vector<Certificate>& chain) {
  return Dump(json{{"trust", PemArray(trust)}, {"chain", PemArray(chain)}});
}

Result<std::vector<Certificate>> ParseCaBundleTrust(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInvalidData, "the server's CA bundle is not a JSON object");
  }
  return CertificateArray(j, "trust");
}

std::string_view ProtocolErrorCode(ProtocolError error) {
  switch (error) {
    case ProtocolError::kBadRequest:
      return "bad_request";
    case ProtocolError::kInvalidToken:
      return "invalid_token";
    case ProtocolError::kTokenUsed:
      return "token_used";
    case ProtocolError::kTokenExpired:
      return "token_expired";
    case ProtocolError::kTokenRevoked:
      return "token_revoked";
    case ProtocolError::kNameNotAllowed:
      return "name_not_allowed";
    case ProtocolError::kNamesNotAllowed:
      return "names_not_allowed";
    case ProtocolError::kBadCsr:
      return "bad_csr";
    case ProtocolError::kBadCsrSignature:
      return "bad_csr_signature";
    case ProtocolError::kCaNotAllowed:
      return "ca_not_allowed";
    case ProtocolError::kWeakKey:
      return "weak_key";
    case ProtocolError::kClientCertificateRequired:
      return "client_certificate_required";
    case ProtocolError::kCertificateRejected:
      return "certificate_rejected";
    case ProtocolError::kUnknownCertificate:
      return "unknown_certificate";
    case ProtocolError::kCertificateRevoked:
      return "certificate_revoked";
    case ProtocolError::kCertificateSuperseded:
    case ProtocolError::kSupersededMeanwhile:
      return "certificate_superseded";
    case ProtocolError::kInventoryUnavailable:
      return "inventory_unavailable";
    case ProtocolError::kCaUnavailable:
      return "ca_unavailable";
  }
  return "internal";
}

bool IsJsonMediaType(std::string_view content_type) {
  // OWS is spaces and tabs only (RFC 9110 §5.6.3).
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) {
    media.remove_prefix(1);
  }
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) {
    media.remove_suffix(1);
  }
  return AsciiLower(media) == "application/json";
}

std::string ErrorJson(std::string_view code, std::string_view message) {
  return Dump(json{{"error", {{"code", code}, {"message", message}}}});
}

std::string DescribeErrorBody(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object()) {
    const json& e = j["error"];
    auto text = [&](const char* key) {
      auto it = e.find(key);
      return it != e.end() && it->is_string() ? PrintableField(it->get<std::string>(), 300)
                                              : std::string("?");
    };
    return fmt::format("{}: {}", text("code"), text("message"));
  }
  std::string excerpt = PrintableField(body, 200);
  return excerpt.empty() ? "(empty answer)" : excerpt;
}

}  // namespace certmint
