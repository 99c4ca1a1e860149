// Text and JSON views of inspected items.
#include <fmt/format.h>

#include "core/encoding.h"
#include "core/json_value.h"
#include "inspect/inspect.h"

namespace certmint {
namespace {

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += v[i];
  }
  return out;
}

std::vector<std::string> SanList(const std::vector<std::string>& dns,
                                 const std::vector<std::string>& ips,
                                 const std::vector<std::string>& other) {
  std::vector<std::string> out;
  for (const auto& d : dns) {
    out.push_back("DNS:" + d);
  }
  for (const auto& i : ips) {
    out.push_back("IP:" + i);
  }
  out.insert(out.end(), other.begin(), other.end());
  return out;
}

void Line(std::string& out, std::string_view label, std::string_view value) {
  out += fmt::format("  {:<22}{}\n", std::string(label) + ":", value);
}

void RenderCertificate(std::string& out, const CertificateInfo& c, const std::string& indent = "") {
  auto Line = [&](std::string_view label, std::string_view value) {
    out += indent;
    certmint::Line(out, label, value);
  };
  Line("Subject", c.subject);
  Line("Issuer", c.issuer + (c.self_signed ? " (self-signed)" : ""));
  Line("Serial", c.serial);
  Line("Valid from", c.not_before);
  std::string until = c.not_after;
  if (c.days_left < 0) {
    until += fmt::format(" (EXPIRED {} days ago)", -c.days_left);
  } else if (c.days_left < 2 && !c.time_left.empty()) {
    until += fmt::format(" ({})", c.time_left);  // a short-lived one: hours, not "0 days"
  } else {
    until += fmt::format(" ({} days left)", c.days_left);
  }
  Line("Valid until", until);
  Line("Public key", c.key.ToString());
  Line("Signature", c.signature_algorithm);
  auto sans = SanList(c.dns_names, c.ip_addresses, c.other_names);
  Line("Subject alt names", sans.empty() ? "(none)" : Join(sans, ", "));
  if (c.basic_constraints_critical) {
    std::string bc = c.is_ca ? "CA:TRUE" : "CA:FALSE";
    if (c.path_length) {
      bc += fmt::format(", pathlen:{}", *c.path_length);
    }
    Line("Basic constraints", (*c.basic_constraints_critical ? "critical, " : "") + bc);
  }
  if (c.key_usage_critical) {
    Line("Key usage", (*c.key_usage_critical ? "critical, " : "") + Join(c.key_usage, ", "));
  }
  if (!c.extended_key_usage.empty()) {
    Line("Extended key usage", Join(c.extended_key_usage, ", "));
  }
  if (!c.subject_key_id.empty()) {
    Line("Subject key ID", c.subject_key_id);
  }
  if (!c.authority_key_id.empty()) {
    Line("Authority key ID", c.authority_key_id);
  }
  Line("SHA-256 fingerprint", c.sha256);
  Line("SHA-1 fingerprint", c.sha1);
}

void RenderCsr(std::string& out, const CsrInfo& r) {
  Line(out, "Subject", r.subject);
  Line(out, "Public key", r.key.ToString());
  Line(out, "Signature", r.signature_valid ? "valid" : "INVALID");
  auto sans = SanList(r.dns_names, r.ip_addresses, {});
  Line(out, "Requested SANs", sans.empty() ? "(none)" : Join(sans, ", "));
  Line(out, "Requested extensions", r.extensions.empty() ? "(none)" : Join(r.extensions, ", "));
  Line(out, "Public key SHA-256", r.public_key_sha256);
}

void RenderKey(std::string& out, const KeyInfo& k) {
  Line(out, "Format", k.format);
  if (k.encrypted) {
    Line(out, "Encryption", k.encryption);
  }
  if (k.opened && k.key) {
    Line(out, "Key", k.key->ToString());
    Line(out, "Public key SHA-256", k.public_key_sha256);
  } else {
    Line(out, "Key", "(encrypted; give --password-file to open it)");
  }
}

nlohmann::json KeyDescriptionJson(const KeyDescription& k) {
  return {{"algorithm", k.algorithm},
          {"bits", k.bits},
          {"curve", NullIfEmpty(k.curve)},
          {"key_type", KeyTypeSpelling(k.ToString())}};
}

void CertificateJson(nlohmann::json& j, const CertificateInfo& c) {
  j["version"] = c.version;
  j["subject"] = c.subject;
  j["issuer"] = c.issuer;
  j["self_signed"] = c.self_signed;
  j["serial"] = c.serial;
  j["not_before"] = c.not_before;
  j["not_after"] = c.not_after;
  j["days_left"] = c.days_left;
  j["expired"] = c.days_left < 0;
  j["public_key"] = KeyDescriptionJson(c.key);
  j["public_key_sha256"] = c.public_key_sha256;
  j["signature_algorithm"] = c.signature_algorithm;
  j["dns_names"] = c.dns_names;
  j["ip_addresses"] = c.ip_addresses;
  j["other_names"] = c.other_names;
  j["key_usage"] = nullptr;  // absent from the certificate
  if (c.key_usage_critical) {
    j["key_usage"] = {{"critical", *c.key_usage_critical}, {"usages", c.key_usage}};
  }
  j["extended_key_usage"] = c.extended_key_usage;
  j["basic_constraints"] = nullptr;
  if (c.basic_constraints_critical) {
    j["basic_constraints"] = {
        {"critical", *c.basic_constraints_critical}, {"ca", c.is_ca}, {"path_length", nullptr}};
    if (c.path_length) {
      j["basic_constraints"]["path_length"] = *c.path_length;
    }
  }
  j["subject_key_id"] = NullIfEmpty(c.subject_key_id);
  j["authority_key_id"] = NullIfEmpty(c.authority_key_id);
  j["sha256_fingerprint"] = c.sha256;
  j["sha1_fingerprint"] = c.sha1;
}

}  // namespace

std::string RenderText(const std::string& source, const std::vector<InspectedItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    if (i > 0) {
      out += "\n";
    }
    out += fmt::format("{}: {}", source, KindName(item.kind));
    if (items.size() > 1) {
      out += fmt::format(" ({} of {})", i + 1, items.size());
    }
    out += "\n";
    if (item.certificate) {
      RenderCertificate(out, *item.certificate);
    } else if (item.request) {
      RenderCsr(out, *item.request);
    } else if (item.key) {
      RenderKey(out, *item.key);
    }
  }
  return out;
}

nlohmann::json RenderJson(const std::string& source, const std::vector<InspectedItem>& items) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& item : items) {
    nlohmann::json j{{"type", KindName(item.kind)}};
    if (item.certificate) {
      CertificateJson(j, *item.certificate);
    } else if (item.request) {
      const auto& r = *item.request;
      j["subject"] = r.subject;
      j["public_key"] = KeyDescriptionJson(r.key);
      j["public_key_sha256"] = r.public_key_sha256;
      j["signature_valid"] = r.signature_valid;
      j["dns_names"] = r.dns_names;
      j["ip_addresses"] = r.ip_addresses;
      j["extensions"] = r.extensions;
    } else if (item.key) {
      const auto& k = *item.key;
      j["format"] = k.format;
      j["encrypted"] = k.encrypted;
      j["encryption"] = k.encrypted ? nlohmann::json(k.encryption) : nullptr;
      j["opened"] = k.opened;
      j["key"] = nullptr;  // not opened: encrypted and no password given
      j["public_key_sha256"] = nullptr;
      if (k.key) {
        j["key"] = KeyDescriptionJson(*k.key);
        j["public_key_sha256"] = k.public_key_sha256;
      }
    }
    list.push_back(j);
  }
  return nlohmann::json{{"file", source}, {"items", list}};
}

std::string RenderStoreText(const std::string& source, StoreFormat format, const KeyStore& store,
                            TimePoint now) {
  std::string out = fmt::format("{}: {} key store, {} entr{}\n", source, StoreFormatName(format),
                                store.size(), store.size() == 1 ? "y" : "ies");
  for (const auto& e : store.keys) {
    out += fmt::format("\nAlias name: {}\n", PrintableBytes(e.alias));
    out += "Entry type: PrivateKeyEntry\n";
    out += fmt::format("Key: {}\n", e.key.Describe().ToString());
    out += fmt::format("Key matches certificate: {}\n",
                       !e.chain.empty() && e.chain[0].MatchesKey(e.key) ? "yes" : "NO");
    out += fmt::format("Certificate chain length: {}\n", e.chain.size());
    for (size_t i = 0; i < e.chain.size(); ++i) {
      out += fmt::format("Certificate[{}]:\n", i + 1);
      RenderCertificate(out, DescribeCertificate(e.chain[i], now), "  ");
    }
  }
  for (const auto& t : store.trusted) {
    out += fmt::format("\nAlias name: {}\n", PrintableBytes(t.alias));
    out += "Entry type: trustedCertEntry\n";
    RenderCertificate(out, DescribeCertificate(t.certificate, now), "  ");
  }
  for (const auto& c : store.loose_certificates) {
    out += fmt::format(
        "\nWarning: certificate {} has no trusted-key-usage attribute and belongs to no key: Java "
        "ignores it\n",
        c.Subject().ToString());
  }
  for (const auto& u : store.unsupported_entries) {
    out += fmt::format("\nWarning: entry {} cannot be read by certmint\n", PrintableBytes(u));
  }
  if (store.integrity_unchecked) {
    out += "\nWarning: integrity not checked (no password given, or the file has no MAC)\n";
  }
  return out;
}

nlohmann::json RenderStoreJson(const std::string& source, StoreFormat format, const KeyStore& store,
                               TimePoint now) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : store.keys) {
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& c : e.chain) {
      nlohmann::json cj;
      CertificateJson(cj, DescribeCertificate(c, now));
      chain.push_back(cj);
    }
    entries.push_back(
        {{"alias", e.alias},
         {"type", "PrivateKeyEntry"},
         {"key", KeyDescriptionJson(e.key.Describe())},
         {"key_matches_certificate", !e.chain.empty() && e.chain[0].MatchesKey(e.key)},
         {"chain_length", e.chain.size()},
         {"chain", chain}});
  }
  for (const auto& t : store.trusted) {
    nlohmann::json cj;
    CertificateJson(cj, DescribeCertificate(t.certificate, now));
    entries.push_back({{"alias", t.alias}, {"type", "trustedCertEntry"}, {"certificate", cj}});
  }
  nlohmann::json loose = nlohmann::json::array();
  for (const auto& c : store.loose_certificates) {
    loose.push_back(c.Subject().ToString());
  }
  return nlohmann::json{{"file", source},
                        {"store_type", StoreFormatName(format)},
                        {"entries", entries},
                        {"ignored_by_java", loose},
                        {"unsupported_entries", store.unsupported_entries},
                        {"integrity_checked", !store.integrity_unchecked}};
}

}  // namespace certmint
