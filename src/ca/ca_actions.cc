#include "ca/ca_actions.h"

#include <fmt/format.h>

#include <optional>

#include "ca/ca_report.h"
#include "ca/ca_settings.h"
#include "ca/ca_token_key.h"
#include "ca/rotation_text.h"
#include "ca/unlock.h"

namespace certmint {

Result<CaReport> InitCaFromFlags(const CaInitRequest& r) {
  if (r.intermediate == r.root_dir.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "--intermediate and --root-dir go together");
  }
  CM_ASSIGN_OR_RETURN(auto options, ParseCaFlags(r.ca, nullptr, r.now));
  CM_ASSIGN_OR_RETURN(options.token, ParseTokenFlags(r.token));
  std::optional<CertificateAuthority> root;
  if (r.intermediate) {
    CM_ASSIGN_OR_RETURN(root, UnlockCa(r.root_dir, [&] {
                          return ReadRootCaSecret(r.root_dir, r.root_password_file,
                                                  r.secrets.pin_file);
                        }));
  }
  CM_ASSIGN_OR_RETURN(auto secret, ReadNewCaSecret(r.secrets, options.token.has_value()));
  CM_ASSIGN_OR_RETURN(
      auto ca,
      WithContext(root ? CertificateAuthority::InitIntermediate(r.dir, options, secret, *root)
                       : CertificateAuthority::Init(r.dir, options, secret),
                  fmt::format("creating CA in {}", r.dir)));
  // A key found in the token may be of another type than --key-type.
  const KeySpec spec = ca.signer().Spec();
  return CaReport{RenderCaCreatedText(ca, spec, r.intermediate),
                  RenderCaCreatedJson(ca, spec, r.intermediate)};
}

Result<std::string> SetCaUrlFromFlags(const std::string& dir, const std::string& url, bool clear) {
  if (clear == !url.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "give either a URL or --clear");
  }
  CM_ASSIGN_OR_RETURN(auto settings, SetCaUrl(dir, clear ? std::nullopt : std::optional(url)));
  if (settings.url.empty()) {
    return fmt::format(
        "{}: no status URL; certificates issued from now on carry no OCSP or CRL location\n", dir);
  }
  const StatusLocations where = StatusLocationsOf(settings.url);
  return fmt::format(
      "{}: status URL {}\nCertificates issued from now on carry OCSP {} and CRL {}.\n"
      "Serve them with: certmint serve --dir {} --status-listen HOST:PORT\n",
      dir, settings.url, where.ocsp_url, where.crl_url, dir);
}

Result<std::string> RotateCaFromFlags(const CaRotateRequest& r) {
  CM_ASSIGN_OR_RETURN(auto current_secret, ReadCurrentCaSecret(r.dir, r.secrets));
  CM_ASSIGN_OR_RETURN(auto current, CertificateAuthority::Load(r.dir, current_secret));
  CM_ASSIGN_OR_RETURN(auto options, ParseCaFlags(r.ca, &current, r.now));
  CM_ASSIGN_OR_RETURN(options.token, ParseTokenFlags(r.token));
  CM_ASSIGN_OR_RETURN(auto new_secret,
                      ReadRotationSecret(r.secrets, r.new_password_file, current, current_secret,
                                         options.token.has_value()));
  CM_ASSIGN_OR_RETURN(auto fresh, RotateCa(r.dir, options, new_secret, current));
  return RenderRotatedText(fresh, options, r.dir);
}

}  // namespace certmint
