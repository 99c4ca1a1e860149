// The seed's split flow: the node makes its key and a request (certmint csr),
// the CA signs it (certmint sign), the node builds its stores (certmint
// keystore install). The node's key never leaves the node.
#include <algorithm>
#include <cctype>
#include <iostream>

#include <fmt/format.h>

#include "ca/authority.h"
#include "ca/issuer.h"
#include "cli/commands.h"
#include "cli/passwords.h"
#include "cli/store_args.h"
#include "core/fs.h"
#include "core/random.h"
#include "identity/identity.h"
#include "inventory/inventory.h"
#include "x509/csr.h"

namespace certmint::cli {
namespace {

struct CsrArgs {
  std::string name;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string key_type = "ec:p256";
  std::string subject;
  std::string out = ".";
  std::string password_file;
};

Status RunCsr(const CsrArgs& a) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(a.name));
  CM_ASSIGN_OR_RETURN(auto spec, WithContext(ParseKeySpec(a.key_type), "--key-type"));
  CM_ASSIGN_OR_RETURN(auto sans, ParseSanFlags(a.dns, a.ips));
  DistinguishedName subject;
  if (!a.subject.empty()) {
    CM_ASSIGN_OR_RETURN(subject, WithContext(DistinguishedName::Parse(a.subject), "--subject"));
  } else {
    CM_ASSIGN_OR_RETURN(subject, DistinguishedName::CommonName(a.name));
  }
  const std::string key_path = a.out + "/" + a.name + ".key";
  const std::string csr_path = a.out + "/" + a.name + ".csr";
  const std::string pw_path = a.out + "/password";
  for (const auto& p : {key_path, csr_path}) {
    if (fs::Exists(p)) {
      return MakeError(ErrorCode::kAlreadyExists, fmt::format("{} already exists", p));
    }
  }
  CM_ASSIGN_OR_RETURN(auto pw, ExplicitNewPassword(a.password_file));
  const bool generated = !pw;
  if (generated) {
    if (fs::Exists(pw_path)) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("{} already exists; give --password-file", pw_path));
    }
    CM_ASSIGN_OR_RETURN(auto r, RandomPassword());
    pw.emplace(std::move(r));
  }
  CM_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(spec));
  CM_ASSIGN_OR_RETURN(auto csr, MakeCsrPem(key, subject, sans));
  CM_ASSIGN_OR_RETURN(auto key_pem,
                      key.ToEncryptedPkcs8Pem(*pw, Pkcs8Encryption{kNodeKeyIterations}));
  CM_RETURN_IF_ERROR(fs::EnsureDir(a.out));
  if (generated) {
    std::string line = std::string(pw->reveal()) + "\n";
    auto st = fs::WriteFileAtomic(pw_path, line, fs::kPrivateFile);
    Cleanse(line);
    CM_RETURN_IF_ERROR(st);
  }
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(key_path, key_pem, fs::kPrivateFile));
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(csr_path, csr, fs::kPublicFile));
  std::cout << fmt::format("Wrote {} (encrypted) and {}{}\nSend {} to the CA: certmint sign {} "
                           "--dir PKI --out {}.crt ...\n",
                           key_path, csr_path, generated ? ", " + pw_path : "", csr_path,
                           fs::Basename(csr_path), a.name);
  return {};
}

struct SignArgs {
  std::string csr;
  std::string dir;
  std::string out;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string role = "both";
  int days = 365;
  std::string name;
  std::string subject;
  std::string ca_password_file;
};

Status RunSign(const SignArgs& a) {
  CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(a.csr, 1 << 20));
  CM_ASSIGN_OR_RETURN(auto req, WithContext(CertificateRequest::Parse(data), a.csr));
  if (!req.SignatureValid()) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{}: the request's signature does not verify (altered, or not "
                                 "made with the key it carries)",
                                 a.csr));
  }
  if (req.RequestsCa()) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{}: the request asks for basicConstraints CA:TRUE; certmint "
                                 "signs node certificates only",
                                 a.csr));
  }
  CM_RETURN_IF_ERROR(WithContext(CheckRequestKey(req.PublicKey()), a.csr));
  // The operator's --dns/--ip are what the certificate may name; the request
  // may ask for a subset, never more.
  CM_ASSIGN_OR_RETURN(auto allowed, ParseSanFlags(a.dns, a.ips));
  const std::string extra = NamesOutside(req.RequestedSans(), allowed);
  if (!extra.empty()) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{}: the request asks for {}, which --dns/--ip do not allow",
                                 a.csr, extra));
  }
  CM_ASSIGN_OR_RETURN(auto role, WithContext(ParseRole(a.role), "--role"));
  LeafProfile profile;
  if (!a.subject.empty()) {
    CM_ASSIGN_OR_RETURN(profile.subject, WithContext(DistinguishedName::Parse(a.subject), "--subject"));
  } else {
    profile.subject = req.Subject();
  }
  profile.sans = allowed;
  profile.role = role;
  profile.days = a.days;
  profile.now = std::chrono::system_clock::now();
  const std::string name = !a.name.empty() ? a.name : profile.subject.CommonNameValue();
  if (name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the subject has no CN: give --name");
  }
  CM_RETURN_IF_ERROR(WithContext(ValidateNodeName(name), "the name to record (--name, else the "
                                                         "subject's CN)"));
  if (fs::Exists(a.out)) {
    return MakeError(ErrorCode::kAlreadyExists, fmt::format("{} already exists", a.out));
  }
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(a.dir));
  CM_ASSIGN_OR_RETURN(auto ca_pw, ReadCaPassword(a.ca_password_file, /*is_new=*/false));
  CM_ASSIGN_OR_RETURN(auto ca, CertificateAuthority::Load(a.dir, ca_pw));
  CM_ASSIGN_OR_RETURN(auto inv, OpenInventory(a.dir));
  CertificateOrder order{name, req.PublicKey(), profile};
  CM_ASSIGN_OR_RETURN(auto cert, Issuer(ca, inv.get()).Issue(order, [&](const Certificate& c) {
    // The reply keytool -importcert takes: the node certificate, then its CAs.
    std::string chain = c.ToPem();
    for (const auto& issuer : ca.Chain()) {
      chain += issuer.ToPem();
    }
    return fs::WriteFileAtomic(a.out, chain, fs::kPublicFile);
  }));
  std::cout << fmt::format("Signed {} (serial {}), valid until {}: wrote {} (certificate and CA "
                           "chain)\n",
                           cert.Subject().ToString(), cert.SerialHex(), FormatUtc(cert.NotAfter()),
                           a.out);
  return {};
}

}  // namespace

Runner RegisterCsrCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  auto c = std::make_shared<CsrArgs>();
  CLI::App* csr = app->add_subcommand(
      "csr", "On a node: make a key and a certificate request (the key stays here)");
  csr->add_option("NAME", c->name, "Identity name: file names, and CN unless --subject")
      ->required();
  csr->add_option("--dns", c->dns, "DNS name to ask for (repeatable)");
  csr->add_option("--ip", c->ips, "IP address to ask for (repeatable)");
  csr->add_option("--key-type", c->key_type, "rsa:2048|3072|4096, ec:p256|p384, ed25519")
      ->capture_default_str();
  csr->add_option("--subject", c->subject, "Subject DN (default CN=NAME)");
  csr->add_option("--out", c->out, "Directory for NAME.key, NAME.csr (and password)")
      ->capture_default_str();
  csr->add_option("--password-file", c->password_file,
                  "Key password (else $CERTMINT_PASSWORD, else generated into OUT/password)");
  AddArgvPasswordTraps(csr);
  csr->footer("Example:\n  certmint csr broker-7 --dns broker-7.kafka.example.com --ip 10.0.0.17 "
              "--out /etc/kafka/ssl");

  auto s = std::make_shared<SignArgs>();
  CLI::App* sign = app->add_subcommand(
      "sign", "On the CA: sign a certificate request (from certmint csr or keytool -certreq)");
  sign->add_option("CSR", s->csr, "The request, PEM or DER")->required();
  sign->add_option("--dir", s->dir, "The CA's directory")->required();
  sign->add_option("--out", s->out, "Certificate chain to write (PEM: node, then CAs)")->required();
  sign->add_option("--dns", s->dns, "DNS name the certificate may carry (repeatable)");
  sign->add_option("--ip", s->ips, "IP address the certificate may carry (repeatable)");
  sign->add_option("--role", s->role, "server, client or both")->capture_default_str();
  sign->add_option("--days", s->days, "Validity in days")->capture_default_str();
  sign->add_option("--subject", s->subject, "Subject DN (default: the request's)");
  sign->add_option("--name", s->name, "Name in the inventory (default: the CN)");
  sign->add_option("--ca-password-file", s->ca_password_file, "CA key password file");
  AddArgvPasswordTraps(sign);
  sign->footer(
      "The request's signature is checked, and nothing is copied from it blindly: the\n"
      "certificate carries exactly the --dns/--ip names (a request asking for any other is\n"
      "refused, as is one asking for CA:TRUE), the profile's key usages, and --role's EKU.\n\n"
      "Example:\n  certmint sign broker-7.csr --dir pki --out broker-7.crt --dns "
      "broker-7.kafka.example.com --ip 10.0.0.17");

  return [=]() -> Result<int> {
    CLI::App* which = csr->parsed() ? csr : sign;
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(which));
    CM_RETURN_IF_ERROR(csr->parsed() ? RunCsr(*c) : RunSign(*s));
    return 0;
  };
}

}  // namespace certmint::cli
