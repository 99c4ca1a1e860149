#include "inventory/migrate_report.h"

#include <fmt/format.h>

namespace certmint {

nlohmann::json MigrationJson(const MigrationReport& r) {
  return {{"from", r.from},
          {"to", r.to},
          {"certificates", r.certificates},
          {"tokens", r.tokens},
          {"next_crl_number", r.next_crl_number},
          {"target_certificates", r.target_certificates},
          {"target_tokens", r.target_tokens},
          {"switched", r.switched}};
}

std::string MigrationText(const MigrationReport& r, const std::string& dir) {
  std::string out = fmt::format(
      "Copied {} certificates and {} tokens from {} to {} (checked: all there; PostgreSQL "
      "holds {} certificates and {} tokens); next CRL number {}.\n",
      r.certificates, r.tokens, r.from, r.to, r.target_certificates, r.target_tokens,
      r.next_crl_number);
  if (r.switched) {
    out += fmt::format(
        "{}/inventory.json now names it: every command and certmint serve on {} use PostgreSQL.\n"
        "{} is left as it was (a backup). Restart or start the replicas: "
        "docs/high-availability.md\n",
        dir, dir, r.from);
  } else {
    out += fmt::format("{} still uses {} (--no-switch).\n", dir, r.from);
  }
  return out;
}

}  // namespace certmint
