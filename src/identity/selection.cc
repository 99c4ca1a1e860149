#include "identity/selection.h"

#include <fmt/format.h>

#include "ca/identity_name.h"
#include "core/fs.h"
#include "identity/state.h"

namespace certmint {

TimePoint RenewalWindowStart(const Certificate& certificate, std::chrono::hours window) {
  const auto third = (certificate.NotAfter() - certificate.NotBefore()) / 3;
  return certificate.NotAfter() - std::min<std::chrono::system_clock::duration>(window, third);
}

std::vector<std::string> IdentitiesExpiringWithin(const std::string& out_dir, int days,
                                                  TimePoint now) {
  std::vector<std::string> names;
  for (const auto& name : ListIdentities(out_dir)) {
    auto state = ReadIdentityState(out_dir, name);
    // What the operator asked, literally: expiring within `days` (unlike
    // apply's automatic window, no lifetime rule).
    if (state && *state && (*state)->certificate.NotAfter() - now < std::chrono::hours(24) * days) {
      names.push_back(name);
    }
  }
  return names;
}

Status CheckIdentitiesExist(const std::string& out_dir, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    CM_RETURN_IF_ERROR(ValidateIdentityName(n));
    if (!fs::Exists(out_dir + "/" + n)) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("{}/{} does not exist (identity directories are looked for "
                                   "under --out, here {})",
                                   out_dir, n, out_dir));
    }
  }
  return {};
}

Result<std::vector<std::string>> SelectIdentities(const std::string& out_dir,
                                                  const std::vector<std::string>& names,
                                                  std::optional<int> expiring_days, TimePoint now) {
  std::vector<std::string> selected =
      expiring_days ? IdentitiesExpiringWithin(out_dir, *expiring_days, now) : names;
  CM_RETURN_IF_ERROR(CheckIdentitiesExist(out_dir, selected));
  return selected;
}

Status CheckRenewFlags(const RenewFlags& f) {
  const auto refuse = [](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(why));
  };
  if (!f.server.empty()) {
    if (!f.dir.empty() || f.ca_password_given || f.days || f.expiring || f.dry_run) {
      return refuse(
          "--server renews through the CA service: --dir, --ca-password-file, --days, "
          "--expiring and --dry-run do not apply (the service decides; --if-due renews only "
          "what is due)");
    }
    return f.names.empty() ? refuse("give the identity names to renew") : Status{};
  }
  if (f.if_due || f.daemon) {
    return refuse("--if-due and --daemon need --server");
  }
  if (f.dir.empty()) {
    return refuse(
        "give --dir (the CA's directory), or --server URL to renew through the CA service");
  }
  if (f.names.empty() == !f.expiring.has_value()) {
    return refuse("give identity names, or --expiring DAYS");
  }
  return {};
}

}  // namespace certmint
