#include "enroll/enroll_to_dir.h"

#include <fmt/format.h>

#include "ca/identity_name.h"
#include "core/fs.h"
#include "enroll/token.h"
#include "identity/report.h"
#include "x509/role.h"

namespace certmint {

Result<EnrolledToDir> EnrollIdentityToDir(EnrollToDirRequest request) {
  const std::string name = request.enroll.name;
  const IdentityFiles paths = IdentityPaths(request.out_dir, name, request.output);
  if (fs::Exists(paths.dir) && !request.output.replace) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite (renew it with "
                                 "certmint renew {} --server URL --out {}, or, when its "
                                 "certificate was revoked, enroll again with a new token and "
                                 "--replace)",
                                 paths.dir, name, request.out_dir));
  }
  CM_ASSIGN_OR_RETURN(auto token, request.token());
  if (!LooksLikeEnrollmentToken(token.reveal())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the token is malformed: expected what `certmint token create` printed "
                     "(cmt_ and 64 hex digits)");
  }
  CM_ASSIGN_OR_RETURN(auto store, request.store_password());
  CM_ASSIGN_OR_RETURN(auto enrolled,
                      WithContext(EnrollIdentity(request.enroll, token), "enrolling " + name));
  token.clear();
  request.output.write_password_file = store.generated;
  request.output.trust = enrolled.trust;
  CM_ASSIGN_OR_RETURN(auto files, WithContext(WriteIdentity(request.out_dir, enrolled.identity,
                                                            store.password, request.output),
                                              "writing " + name));
  EnrolledToDir done{std::move(enrolled), std::move(files), std::nullopt};
  if (!request.hook.empty()) {
    done.hook = RunReloadHook(request.hook, request.out_dir, name, HookEvent::kIssued);
  }
  return done;
}

Result<EnrollToDirRequest> MakeEnrollToDirRequest(const EnrollFlags& flags) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(flags.name));
  CM_ASSIGN_OR_RETURN(auto parsed, ParseRequestFlags(flags.request));
  EnrollToDirRequest request;
  EnrollRequestOptions& o = request.enroll;
  o.name = flags.name;
  o.sans = parsed.sans;
  o.key_spec = parsed.key_spec;
  CM_ASSIGN_OR_RETURN(o.url, ParseServerUrl(flags.url));
  CM_ASSIGN_OR_RETURN(o.ca_fingerprint, NormalizeFingerprint(flags.ca_fingerprint));
  CM_ASSIGN_OR_RETURN(request.output, ParseOutputFlags(flags.output, flags.name));
  request.output.replace = flags.replace;
  request.out_dir = flags.out;
  CM_ASSIGN_OR_RETURN(request.hook, ParseReloadHookFlags(flags.hook));
  return request;
}

nlohmann::json EnrolledToDirJson(const EnrolledToDir& done, const std::string& name,
                                 const KeySpec& key_spec) {
  const Certificate& cert = done.enrolled.identity.certificate;
  nlohmann::json report = IdentityReportJson(done.files, name, cert, key_spec, RoleOf(cert));
  report["hooks"] = nlohmann::json::array();
  if (done.hook) {
    report["hooks"].push_back(HookOutcomeJson(*done.hook));
  }
  return report;
}

std::string EnrolledToDirText(const EnrolledToDir& done, const KeySpec& key_spec) {
  const Certificate& cert = done.enrolled.identity.certificate;
  return IdentityReportText(done.files, cert, key_spec, RoleOf(cert), "Enrolled");
}

}  // namespace certmint
