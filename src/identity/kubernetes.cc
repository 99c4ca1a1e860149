#include "identity/kubernetes.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>

#include "core/encoding.h"

namespace certmint {
namespace {

// RFC 4648 base64 on one line, as Secret data is written.
std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(std::max(n, 0)));
  return out;
}

// A YAML double-quoted scalar (YAML 1.2 §7.3.1); the values certmint puts
// here are printable ASCII, escaped anyway.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void AppendMap(std::string& out, const char* key,
               const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.empty()) {
    return;
  }
  out += fmt::format("  {}:\n", key);
  for (const auto& [k, v] : entries) {
    out += fmt::format("    {}: {}\n", Quoted(k), Quoted(v));
  }
}

}  // namespace

std::string SecretManifest(const std::string& name, const std::string& ns, const std::string& type,
                           const std::vector<SecretEntry>& data,
                           const std::vector<std::pair<std::string, std::string>>& labels,
                           const std::vector<std::pair<std::string, std::string>>& annotations) {
  std::string out = "apiVersion: v1\nkind: Secret\nmetadata:\n";
  out += "  name: " + Quoted(name) + "\n";
  if (!ns.empty()) {
    out += "  namespace: " + Quoted(ns) + "\n";
  }
  AppendMap(out, "labels", labels);
  AppendMap(out, "annotations", annotations);
  out += "type: " + Quoted(type) + "\ndata:\n";
  for (const auto& e : data) {
    std::string encoded = Base64(e.value);
    out += "  " + Quoted(e.key) + ": " + encoded + "\n";
    OPENSSL_cleanse(encoded.data(), encoded.size());
  }
  return out;
}

std::string StrimziCaSecrets(const std::string& cluster, const std::string& ns,
                             const std::vector<Certificate>& trust) {
  std::string pem;
  TimePoint newest{};
  for (const auto& c : trust) {
    pem += c.ToPem();
    newest = std::max(newest, c.NotBefore());
  }
  const auto days =
      std::chrono::duration_cast<std::chrono::hours>(newest.time_since_epoch()).count() / 24;
  const std::vector<std::pair<std::string, std::string>> labels{
      {"strimzi.io/kind", "Kafka"},
      {"strimzi.io/cluster", cluster},
      {"app.kubernetes.io/managed-by", "certmint"}};
  const std::vector<std::pair<std::string, std::string>> annotations{
      {"strimzi.io/ca-cert-generation", std::to_string(days)}};
  std::string out =
      "# Written by certmint: the CA certificate Strimzi's Kafka cluster " + cluster +
      " trusts,\n# for brokers (cluster CA) and clients (clients CA). kubectl apply -f this "
      "file.\n# The CA's key is never written: see docs/kafka.md.\n";
  out += SecretManifest(cluster + "-cluster-ca-cert", ns, "Opaque", {{"ca.crt", pem}}, labels,
                        annotations);
  out += "---\n";
  out += SecretManifest(cluster + "-clients-ca-cert", ns, "Opaque", {{"ca.crt", pem}}, labels,
                        annotations);
  return out;
}

Status CheckKubernetesNamespace(std::string_view ns) {
  bool ok = !ns.empty() && ns.size() <= 63 && ns.front() != '-' && ns.back() != '-';
  for (char c : ns) {
    ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  }
  if (!ok) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' is not a Kubernetes namespace (at most 63 lower-case "
                                 "letters, digits and '-', starting and ending with a letter or "
                                 "digit)",
                                 PrintableBytes(ns, 80)));
  }
  return {};
}

}  // namespace certmint
