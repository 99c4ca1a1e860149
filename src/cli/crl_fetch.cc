#include "cli/crl_fetch.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "enroll/crl_refresh.h"

namespace certmint::cli {

Status RunCrlFetch(const CrlFetchArgs& a) {
  if (a.ca_file.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--server needs --ca-file: the CA certificate the CRL must be signed by "
                     "(an identity's ca.crt)");
  }
  CM_ASSIGN_OR_RETURN(auto url, ParseServerUrl(a.server));
  CM_ASSIGN_OR_RETURN(auto anchors, LoadCrlAnchors(a.ca_file, "--ca-file"));
  CM_ASSIGN_OR_RETURN(auto update,
                      RefreshCrlFile(url, anchors, a.out, std::chrono::system_clock::now()));
  PrintResult(a.json,
              nlohmann::json{{"dry_run", false},
                             {"out", a.out},
                             {"replaced", update.replaced},
                             {"number", update.crl.number},
                             {"revoked", update.crl.revoked},
                             {"next_update", FormatUtc(update.crl.next_update)},
                             {"next_update_days", nullptr}},  // the service's choice
              fmt::format("{} {}: CRL number {}, {} revoked, next update {}\n",
                          update.replaced ? "Wrote" : "Unchanged", a.out, update.crl.number,
                          update.crl.revoked, FormatUtc(update.crl.next_update)));
  return {};
}

}  // namespace certmint::cli
