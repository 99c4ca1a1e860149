#include "verify/verify.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include "core/encoding.h"
#include "core/fs.h"
#include "stores/store_io.h"

namespace certmint {
namespace {

std::string Days(TimePoint until, TimePoint now) {
  return fmt::format("{} days left (until {})", DaysLeft(until, now), FormatUtc(until));
}

// "a; b" from the problems found.
std::string JoinProblems(const std::vector<std::string>& problems) {
  std::string detail;
  for (const auto& p : problems) {
    detail += (detail.empty() ? "" : "; ") + p;
  }
  return detail;
}

// The key's and each certificate's EC curve, by name (CheckNamedCurve): Java
// cannot parse explicit curve parameters at all.
void CheckCurves(const KeyEntry& entry, std::vector<std::string>& problems, CheckStatus& status) {
  if (!CheckNamedCurve(entry.key.native())) {
    problems.push_back(
        "the private key has explicit EC curve parameters (Java cannot read it; RFC 5480 "
        "requires a named curve)");
    status = CheckStatus::kFail;
  }
  for (const auto& c : entry.chain) {
    if (!CheckNamedCurve(X509_get0_pubkey(c.native()))) {
      problems.push_back(
          fmt::format("{} has an EC key with explicit curve parameters (Java "
                      "cannot read it; RFC 5480 requires a named curve)",
                      c.Subject().ToString()));
      status = CheckStatus::kFail;
    }
  }
}

// Signature algorithms, key sizes and curve encodings Java 17 refuses or
// frowns on (jdk.certpath.disabledAlgorithms, jdk.tls.disabledAlgorithms).
void CheckAlgorithms(const std::string& scope, const KeyEntry& entry, std::vector<Check>& out) {
  std::vector<std::string> problems;
  CheckStatus status = CheckStatus::kOk;
  CheckCurves(entry, problems, status);
  for (const auto& c : entry.chain) {
    const std::string who = c.Subject().ToString();
    const bool self_signed = X509_check_issued(c.native(), c.native()) == X509_V_OK;
    int md_nid = NID_undef;
    int pk_nid = NID_undef;
    OBJ_find_sigid_algs(X509_get_signature_nid(c.native()), &md_nid, &pk_nid);
    if ((md_nid == NID_md5 || md_nid == NID_sha1) && !self_signed) {
      problems.push_back(
          fmt::format("{} is signed with {} (disabled in Java 17)", who, OBJ_nid2sn(md_nid)));
      status = CheckStatus::kFail;
    }
    KeyDescription k = DescribePublicKey(X509_get0_pubkey(c.native()));
    if (k.algorithm == "RSA" && k.bits < 1024) {
      problems.push_back(
          fmt::format("{} has an RSA key of {} bits (Java 17 refuses < 1024)", who, k.bits));
      status = CheckStatus::kFail;
    } else if (k.algorithm == "RSA" && k.bits < 2048) {
      problems.push_back(
          fmt::format("{} has an RSA key of {} bits (weak; use 2048+)", who, k.bits));
      status = std::max(status, CheckStatus::kWarn);
    } else if (k.algorithm == "EC" && k.bits < 224) {
      problems.push_back(
          fmt::format("{} has an EC key of {} bits (Java 17 refuses < 224)", who, k.bits));
      status = CheckStatus::kFail;
    }
  }
  ClearOpenSslErrors();
  out.push_back(
      {scope, "java_algorithms", "", "algorithms Java 17 accepts", status,
       problems.empty() ? "signatures and key sizes are all accepted" : JoinProblems(problems)});
}

// Anchors, trust attributes and their validity.
void CheckTruststore(const std::string& ts, const KeyStore& truststore,
                     const VerifyOptions& options, std::vector<Check>& out) {
  if (truststore.trusted.empty()) {
    out.push_back({ts, "trusted_cas", "", "trusted CA certificates", CheckStatus::kFail,
                   "none: Java fails with \"the trustAnchors parameter must be non-empty\""});
  } else {
    std::string names;
    for (const auto& t : truststore.trusted) {
      names += (names.empty() ? "" : ", ") + PrintableBytes(t.alias) + " (" +
               t.certificate.Subject().ToString() + ")";
    }
    out.push_back({ts, "trusted_cas", "", "trusted CA certificates", CheckStatus::kOk, names});
  }
  for (const auto& c : truststore.loose_certificates) {
    out.push_back({ts, "trust_attribute", c.Subject().ToString(),
                   "trust attribute on every CA entry", CheckStatus::kFail,
                   fmt::format("{} has no trusted-key-usage attribute: Java ignores it (re-import "
                               "it with certmint keystore import-cert)",
                               c.Subject().ToString())});
  }
  if (truststore.loose_certificates.empty() && !truststore.trusted.empty()) {
    out.push_back({ts, "trust_attribute", "", "trust attribute on every CA entry", CheckStatus::kOk,
                   "Java sees every entry"});
  }
  for (const auto& t : truststore.trusted) {
    const TimePoint end = t.certificate.NotAfter();
    if (end <= options.now) {
      out.push_back({ts, "trusted_ca_validity", t.alias, "validity of " + PrintableBytes(t.alias),
                     CheckStatus::kFail, fmt::format("expired on {}", FormatUtc(end))});
    } else if (end - options.now < std::chrono::hours(24) * options.warn_days) {
      out.push_back({ts, "trusted_ca_validity", t.alias, "validity of " + PrintableBytes(t.alias),
                     CheckStatus::kWarn, Days(end, options.now)});
    }
  }
}

// Chain to an anchor of the truststore (time checked separately), and
// against the CRLs when there are some.
void CheckChain(const std::string& ks, const KeyEntry& entry, const KeyStore& truststore,
                const std::string& ts, const VerifyOptions& options, std::vector<Check>& out) {
  ossl::X509StorePtr store(X509_STORE_new());
  for (const auto& t : truststore.trusted) {
    X509_STORE_add_cert(store.get(), t.certificate.native());
  }
  ossl::X509StackPtr untrusted(sk_X509_new_null());
  for (size_t i = 1; i < entry.chain.size(); ++i) {
    X509_up_ref(entry.chain[i].native());
    sk_X509_push(untrusted.get(), entry.chain[i].native());
  }
  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), entry.chain[0].native(), untrusted.get());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT | X509_V_FLAG_NO_CHECK_TIME);
  for (const auto& crl : options.crls) {
    X509_STORE_add_crl(store.get(), crl.native());
  }
  if (!options.crls.empty()) {
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
  }
  const bool ok = X509_verify_cert(ctx.get()) == 1;
  const int err = X509_STORE_CTX_get_error(ctx.get());
  std::string path;
  if (ok) {
    STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
    for (int i = 0; i < sk_X509_num(built); ++i) {
      path += (i ? " <- " : "") + NameToString(X509_get_subject_name(sk_X509_value(built, i)));
    }
  }
  out.push_back(
      {ks, "chain_trusted", "",
       options.crls.empty() ? "chain reaches a trusted CA"
                            : "chain reaches a trusted CA, not revoked",
       ok ? CheckStatus::kOk : CheckStatus::kFail,
       ok ? path : fmt::format("{} (truststore {})", X509_verify_cert_error_string(err), ts)});
  ClearOpenSslErrors();
}

// The inventory knows of revocations that no CRL may have published yet
// (certmint revoke, apply --prune): the certificate is matched by its
// SHA-256 fingerprint, so a serial of another CA cannot collide.
void CheckNotRevoked(const std::string& ks, const Certificate& leaf, const VerifyOptions& options,
                     std::vector<Check>& out) {
  if (!options.revoked) {
    return;
  }
  const std::string sha256 = leaf.Sha256Fingerprint();
  for (const auto& r : *options.revoked) {
    if (r.sha256 == sha256) {
      out.push_back({ks, "not_revoked", "", "not revoked", CheckStatus::kFail,
                     fmt::format("serial {} was revoked on {} ({}) in {}: re-issue it "
                                 "(certmint apply, or renew without --keep-key)",
                                 r.serial, r.revoked_at, RevocationReasonName(r.revocation_reason),
                                 options.revoked_source)});
      return;
    }
  }
  out.push_back(
      {ks, "not_revoked", "", "not revoked", CheckStatus::kOk,
       fmt::format("serial {} is not revoked in {}", leaf.SerialHex(), options.revoked_source)});
}

void CheckValidity(const std::string& ks, const std::vector<Certificate>& chain,
                   const VerifyOptions& options, std::vector<Check>& out) {
  for (const auto& c : chain) {
    const std::string who = c.Subject().ToString();
    const std::string what = "validity of " + who;
    const std::string id = "certificate_validity";
    if (c.NotBefore() > options.now) {
      out.push_back({ks, id, who, what, CheckStatus::kFail,
                     fmt::format("not valid before {}", FormatUtc(c.NotBefore()))});
    } else if (c.NotAfter() <= options.now) {
      out.push_back({ks, id, who, what, CheckStatus::kFail,
                     fmt::format("expired on {}", FormatUtc(c.NotAfter()))});
    } else if (c.NotAfter() - options.now < std::chrono::hours(24) * options.warn_days) {
      out.push_back(
          {ks, id, who, what, CheckStatus::kWarn,
           Days(c.NotAfter(), options.now) + fmt::format(", under {} days", options.warn_days)});
    } else {
      out.push_back({ks, id, who, what, CheckStatus::kOk, Days(c.NotAfter(), options.now)});
    }
  }
}

// Key usage and extended key usage for the role (java-stores.md §3).
void CheckKeyUsage(const std::string& ks, const Certificate& leaf, const VerifyOptions& options,
                   std::vector<Check>& out) {
  const uint32_t ku_flags = X509_get_extension_flags(leaf.native());
  const uint32_t ku = X509_get_key_usage(leaf.native());
  const uint32_t xku = X509_get_extended_key_usage(leaf.native());
  const bool has_ku = (ku_flags & EXFLAG_KUSAGE) != 0;
  const bool has_xku = (ku_flags & EXFLAG_XKUSAGE) != 0;
  std::vector<std::string> problems;
  if (has_ku && (ku & KU_DIGITAL_SIGNATURE) == 0) {
    problems.push_back("keyUsage lacks digitalSignature (TLS 1.3 and ECDHE need it)");
  }
  const bool server = !has_xku || (xku & XKU_SSL_SERVER) != 0;
  const bool client = !has_xku || (xku & XKU_SSL_CLIENT) != 0;
  const Role role = options.role.value_or(server && client ? Role::kBoth
                                          : server         ? Role::kServer
                                                           : Role::kClient);
  if ((role == Role::kServer || role == Role::kBoth) && !server) {
    problems.push_back("extendedKeyUsage lacks serverAuth");
  }
  if ((role == Role::kClient || role == Role::kBoth || role == Role::kAdmin) && !client) {
    problems.push_back("extendedKeyUsage lacks clientAuth (mTLS clients and brokers need it)");
  }
  out.push_back({ks, "key_usage_role", std::string(RoleName(role)),
                 fmt::format("key usage fits role {}{}", RoleName(role),
                             options.role ? "" : " (from the certificate)"),
                 problems.empty() ? CheckStatus::kOk : CheckStatus::kFail,
                 problems.empty()
                     ? "digitalSignature; " + std::string(server ? "serverAuth " : "") +
                           (client ? "clientAuth" : "")
                     : JoinProblems(problems)});
  ClearOpenSslErrors();
}

void CheckHost(const std::string& ks, const Certificate& leaf, const std::string& host,
               std::vector<Check>& out) {
  unsigned char buf[16];
  const bool is_ip =
      inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
  const int r = is_ip ? X509_check_ip_asc(leaf.native(), host.c_str(), 0)
                      : X509_check_host(leaf.native(), host.c_str(), host.size(), 0, nullptr);
  const std::string have = leaf.Sans().ToString();
  out.push_back({ks, "sans_cover_host", host, "SANs cover " + host,
                 r == 1 ? CheckStatus::kOk : CheckStatus::kFail,
                 r == 1
                     ? (is_ip ? "iPAddress SAN matches" : "dNSName SAN matches")
                     : fmt::format("no {} SAN matches (the certificate has: {})",
                                   is_ip ? "iPAddress" : "dNSName", have.empty() ? "none" : have)});
  ClearOpenSslErrors();
}

}  // namespace

std::string_view CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kOk:
      return "ok";
    case CheckStatus::kWarn:
      return "warn";
    case CheckStatus::kFail:
      return "fail";
  }
  return "?";
}

CheckStatus WorstStatus(const std::vector<Check>& checks) {
  CheckStatus worst = CheckStatus::kOk;
  for (const auto& c : checks) {
    worst = std::max(worst, c.status);
  }
  return worst;
}

std::vector<Check> VerifyStorePair(const StorePair& pair, const VerifyOptions& options) {
  std::vector<Check> out;
  const std::string& ks = pair.keystore_label;
  const std::string& ts = pair.truststore_label;
  // The truststore first: without anchors nothing else can pass.
  CheckTruststore(ts, pair.truststore, options, out);
  if (pair.keystore.keys.size() != 1) {
    out.push_back({ks, "one_key_entry", "", "one key entry", CheckStatus::kFail,
                   fmt::format("the keystore has {} key entries; Kafka needs exactly one",
                               pair.keystore.keys.size())});
    return out;
  }
  const KeyEntry& entry = pair.keystore.keys[0];
  const Certificate& leaf = entry.chain[0];
  out.push_back({ks, "key_matches_certificate", "", "key matches certificate",
                 leaf.MatchesKey(entry.key) ? CheckStatus::kOk : CheckStatus::kFail,
                 fmt::format("entry {}: {}, {}", PrintableBytes(entry.alias),
                             entry.key.Describe().ToString(), leaf.Subject().ToString())});
  CheckChain(ks, entry, pair.truststore, ts, options, out);
  CheckNotRevoked(ks, leaf, options, out);
  CheckValidity(ks, entry.chain, options, out);
  CheckKeyUsage(ks, leaf, options, out);
  for (const auto& host : options.hosts) {
    CheckHost(ks, leaf, host, out);
  }
  CheckAlgorithms(ks, entry, out);
  return out;
}

std::vector<Check> CheckPrivateFileModes(const std::vector<std::string>& paths) {
  std::vector<Check> out;
  for (const auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      continue;
    }
    const unsigned mode = st.st_mode & 0777;
    if ((mode & 077) != 0) {
      out.push_back({"files", "private_file_mode", p, "mode of " + p, CheckStatus::kFail,
                     fmt::format("{:04o}: readable by group or others; chmod 600", mode)});
    } else {
      out.push_back({"files", "private_file_mode", p, "mode of " + p, CheckStatus::kOk,
                     fmt::format("{:04o}", mode)});
    }
  }
  return out;
}

std::vector<Check> CheckPasswordFileModes(const std::vector<std::string>& paths) {
  std::vector<Check> out;
  for (const auto& p : paths) {
    struct stat st {};
    if (p.empty() || ::stat(p.c_str(), &st) != 0) {
      continue;
    }
    const unsigned mode = st.st_mode & 0777;
    const std::string name = "mode of password file " + PrintableBytes(p, 256);
    if ((mode & 007) != 0) {
      out.push_back({"files", "password_file_mode", p, name, CheckStatus::kWarn,
                     fmt::format("{:04o}: every user of this machine can read the store password; "
                                 "chmod 600 (640 to share it with a service's group)",
                                 mode)});
    } else {
      out.push_back(
          {"files", "password_file_mode", p, name, CheckStatus::kOk, fmt::format("{:04o}", mode)});
    }
  }
  return out;
}

std::string ExpiryMetrics(const std::string& identity, const KeyStore& keystore, TimePoint now) {
  auto esc = [](std::string v) {
    std::string out;
    for (char c : v) {
      if (c == '\\' || c == '"') {
        out.push_back('\\');
      }
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out.push_back(c);
    }
    return out;
  };
  std::string out =
      "# HELP certmint_certificate_expiry_seconds Seconds until the certificate expires "
      "(negative once expired).\n"
      "# TYPE certmint_certificate_expiry_seconds gauge\n";
  for (const auto& e : keystore.keys) {
    for (size_t i = 0; i < e.chain.size(); ++i) {
      const auto& c = e.chain[i];
      const auto secs =
          std::chrono::duration_cast<std::chrono::seconds>(c.NotAfter() - now).count();
      out += fmt::format(
          "certmint_certificate_expiry_seconds{{identity=\"{}\",alias=\"{}\",position=\"{}\","
          "subject=\"{}\",serial=\"{}\"}} {}\n",
          esc(identity), esc(e.alias), i == 0 ? "leaf" : "ca", esc(c.Subject().ToString()),
          c.SerialHex(), secs);
    }
  }
  return out;
}

}  // namespace certmint
