#include "identity/request_actions.h"

#include <fmt/format.h>

#include "ca/identity_name.h"
#include "ca/sign_csr_file.h"
#include "core/fs.h"
#include "core/secret_source.h"
#include "stores/store_passwords.h"
#include "x509/request_files.h"
#include "x509/san_lists.h"

namespace certmint {

Result<std::string> WriteCsrFromFlags(const CsrFlags& f) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(f.name));
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(f.request));
  KeyRequest request{parsed.key_spec, {}, parsed.sans};
  CM_ASSIGN_OR_RETURN(request.subject, parsed.subject ? Result<DistinguishedName>(*parsed.subject)
                                                      : DistinguishedName::CommonName(f.name));
  const RequestFiles files = RequestFilePaths(f.out, f.name);
  CM_RETURN_IF_ERROR(CheckRequestFilesAbsent(files));
  CM_ASSIGN_OR_RETURN(auto pw, ExplicitNewPassword(f.password_file));
  CM_ASSIGN_OR_RETURN(bool generated, WriteKeyAndRequest(files, request, pw ? &*pw : nullptr));
  return fmt::format(
      "Wrote {} (encrypted) and {}{}\nSend {} to the CA: certmint sign {} "
      "--dir PKI --out {}.crt ...\n",
      files.key, files.request, generated ? ", " + files.password : "", files.request,
      fs::Basename(files.request), f.name);
}

Result<std::string> SignCsrFromFlags(const SignFlags& f, const CaPasswordSource& ca_password) {
  // The operator's --dns/--ip are what the certificate carries; the request
  // may ask for a subset, never more. Its own faults are reported first.
  CM_ASSIGN_OR_RETURN(auto req,
                      LoadRequestToSign(f.csr, ParseSanLists(f.request.dns, f.request.ips)));
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(f.request));
  SignRequestFileOptions o{f.dir, f.name, {}, f.out, ca_password};
  o.profile.role = parsed.role;
  o.profile.subject = parsed.subject.value_or(req.Subject());
  o.profile.sans = parsed.sans;
  o.profile.days = parsed.days;
  CM_ASSIGN_OR_RETURN(auto cert, SignRequestFile(req, o));
  return fmt::format(
      "Signed {} (serial {}), valid until {}: wrote {} (certificate and CA "
      "chain)\n",
      cert.Subject().ToString(), cert.SerialHex(), FormatUtc(cert.NotAfter()), f.out);
}

Result<IssuedFromFlags> IssueFromFlags(const IssueFlags& f, const CaPasswordSource& ca_password) {
  CM_RETURN_IF_ERROR(ValidateNodeName(f.name));
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(f.request));
  IssueToDirRequest issue;
  issue.ca_dir = f.dir;
  issue.out_dir = f.out;
  IdentityRequest& id = issue.identity;
  id.name = f.name;
  id.subject = parsed.subject;
  id.sans = parsed.sans;
  id.role = parsed.role;
  id.days = parsed.days;
  id.key_spec = parsed.key_spec;
  CM_ASSIGN_OR_RETURN(issue.output, ParseOutputFlags(f.output, f.name));
  issue.output.now = issue.identity.now;
  issue.secrets = [&]() -> Result<IssueSecrets> {
    CM_ASSIGN_OR_RETURN(auto store, NewIdentityStorePassword(f.password_file));
    CM_ASSIGN_OR_RETURN(auto ca_secret, ca_password());
    return IssueSecrets{std::move(store), std::move(ca_secret)};
  };
  CM_ASSIGN_OR_RETURN(auto issued, IssueIdentityToDir(std::move(issue)));
  return IssuedFromFlags{std::move(issued), parsed.key_spec};
}

Result<std::string> InstallFromFlags(InstallFilesRequest request, const std::string& password_file,
                                     const std::string& key_password_file) {
  const std::string key_file = request.key_file;
  request.key_password = [key_file, key_password_file] {
    return ReadSecret({KeyPasswordFileFor(key_file, key_password_file), kStorePasswordEnv,
                       "Key password", false, "--key-password-file"});
  };
  request.store_password = [password_file] { return ExplicitPassword(password_file); };
  CM_ASSIGN_OR_RETURN(auto done, InstallFromFiles(request));
  return fmt::format("Installed {} in {} (chain length {})\n", fs::Basename(done.files.dir),
                     done.files.dir, done.chain_length);
}

}  // namespace certmint
