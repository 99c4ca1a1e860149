// The CSR flow, where the key never leaves the node: it makes its key and a
// request (csr), the CA signs it (sign), it builds its stores (keystore install).
#include <fmt/format.h>

#include <iostream>

#include "ca/sign_csr_file.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/fs.h"
#include "identity/identity.h"
#include "x509/csr.h"
#include "x509/request_files.h"
#include "x509/request_flags.h"
#include "x509/san_lists.h"

namespace certmint::cli {
namespace {

struct CsrArgs {
  std::string name;
  RequestFlags request;  // --dns, --ip, --key-type and --subject
  std::string out = ".";
  std::string password_file;
};

Status RunCsr(const CsrArgs& a) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(a.name));
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(a.request));
  KeyRequest request{parsed.key_spec, {}, parsed.sans};
  CM_ASSIGN_OR_RETURN(request.subject, parsed.subject ? Result<DistinguishedName>(*parsed.subject)
                                                      : DistinguishedName::CommonName(a.name));
  const RequestFiles files = RequestFilePaths(a.out, a.name);
  CM_RETURN_IF_ERROR(CheckRequestFilesAbsent(files));
  CM_ASSIGN_OR_RETURN(auto pw, ExplicitNewPassword(a.password_file));
  CM_ASSIGN_OR_RETURN(bool generated, WriteKeyAndRequest(files, request, pw ? &*pw : nullptr));
  std::cout << fmt::format(
      "Wrote {} (encrypted) and {}{}\nSend {} to the CA: certmint sign {} "
      "--dir PKI --out {}.crt ...\n",
      files.key, files.request, generated ? ", " + files.password : "", files.request,
      fs::Basename(files.request), a.name);
  return {};
}

struct SignArgs {
  std::string csr;
  std::string dir;
  std::string out;
  RequestFlags request;  // --dns, --ip, --role, --days and --subject
  std::string name;
  std::string ca_password_file;
};

Status RunSign(const SignArgs& a) {
  // The operator's --dns/--ip are what the certificate carries; the request
  // may ask for a subset, never more. Its own faults are reported first.
  CM_ASSIGN_OR_RETURN(auto req,
                      LoadRequestToSign(a.csr, ParseSanLists(a.request.dns, a.request.ips)));
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(a.request));
  SignRequestFileOptions o{a.dir, a.name, {}, a.out, nullptr};
  o.profile.role = parsed.role;
  o.profile.subject = parsed.subject.value_or(req.Subject());
  o.profile.sans = parsed.sans;
  o.profile.days = parsed.days;
  o.ca_password = CaPasswordFrom(a.ca_password_file);
  CM_ASSIGN_OR_RETURN(auto cert, SignRequestFile(req, o));
  std::cout << fmt::format(
      "Signed {} (serial {}), valid until {}: wrote {} (certificate and CA "
      "chain)\n",
      cert.Subject().ToString(), cert.SerialHex(), FormatUtc(cert.NotAfter()), a.out);
  return {};
}

}  // namespace

Runner RegisterCsrCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  auto c = std::make_shared<CsrArgs>();
  CLI::App* csr = app->add_subcommand(
      "csr", "On a node: make a key and a certificate request (the key stays here)");
  csr->add_option("NAME", c->name, "Identity name: file names, and CN unless --subject")
      ->required();
  AddSanFlags(csr, &c->request.dns, &c->request.ips, SanUse::kAsked);
  AddKeyType(csr, &c->request.key_type);
  csr->add_option("--subject", c->request.subject,
                  "Subject DN, 'CN=..,O=..' or '/O=../CN=..' (default: CN=NAME)");
  csr->add_option("--out", c->out,
                  "Directory NAME.key, NAME.csr (and a generated password) are written into (no "
                  "NAME/ below it)");
  csr->add_option("--password-file", c->password_file,
                  "File whose first line is the key password: 6+ printable ASCII characters, no "
                  "space at either end (else $CERTMINT_PASSWORD, else a random one written to "
                  "OUT/password)");

  auto s = std::make_shared<SignArgs>();
  CLI::App* sign = app->add_subcommand(
      "sign", "On the CA: sign a certificate request (from certmint csr or keytool -certreq)");
  sign->add_option("CSR", s->csr, "The request, PEM or DER")->required();
  AddCaDir(sign, &s->dir);
  AddOutFile(sign, &s->out, "the certificate chain (PEM: node, then CAs)")->required();
  AddSanFlags(sign, &s->request.dns, &s->request.ips, SanUse::kAllowed);
  AddRole(sign, &s->request.role);
  AddDays(sign, &s->request.days);
  sign->add_option("--subject", s->request.subject,
                   "Subject DN, 'CN=..,O=..' or '/O=../CN=..' (default: the request's)");
  sign->add_option("--name", s->name, "Name in the inventory (default: the CN)");
  AddCaPasswordFile(sign, &s->ca_password_file);

  return Dispatch({{csr, FromStatus([c] { return RunCsr(*c); })},
                   {sign, FromStatus([s] { return RunSign(*s); })}});
}

}  // namespace certmint::cli
