// The CSR flow, where the key never leaves the node: it makes its key and a
// request (csr), the CA signs it (sign), it builds its stores (keystore install).
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "identity/request_actions.h"

namespace certmint::cli {

Runner RegisterCsrCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  auto c = std::make_shared<CsrFlags>();
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

  struct SignArgs {
    SignFlags flags;
    std::string ca_password_file;
  };
  auto s = std::make_shared<SignArgs>();
  CLI::App* sign = app->add_subcommand(
      "sign", "On the CA: sign a certificate request (from certmint csr or keytool -certreq)");
  sign->add_option("CSR", s->flags.csr, "The request, PEM or DER")->required();
  AddCaDir(sign, &s->flags.dir);
  AddOutFile(sign, &s->flags.out, "the certificate chain (PEM: node, then CAs)")->required();
  AddSanFlags(sign, &s->flags.request.dns, &s->flags.request.ips, SanUse::kAllowed);
  AddRole(sign, &s->flags.request.role);
  AddDays(sign, &s->flags.request.days);
  sign->add_option("--subject", s->flags.request.subject,
                   "Subject DN, 'CN=..,O=..' or '/O=../CN=..' (default: the request's)");
  sign->add_option("--name", s->flags.name, "Name in the inventory (default: the CN)");
  AddCaPasswordFile(sign, &s->ca_password_file);

  return Dispatch({{csr, PrintingText([c] { return WriteCsrFromFlags(*c); })},
                   {sign, PrintingText([s] {
                      return SignCsrFromFlags(s->flags, CaPasswordFrom(s->ca_password_file));
                    })}});
}

}  // namespace certmint::cli
