#include "enroll/renewal_text.h"

#include <fmt/format.h>

#include "core/encoding.h"

namespace certmint {

std::string RenewalEventText(const RenewalEvent& e, std::string_view server) {
  switch (e.kind) {
    case RenewalEvent::Kind::kCutShort:
      return fmt::format(
          "{}: valid until {}, within an hour of its issue: not renewed again (a "
          "CA that ends so soon needs rotating: certmint ca rotate)\n",
          e.name, FormatUtc(e.valid_until));
    case RenewalEvent::Kind::kNotDue:
      return fmt::format("{}: not due until {} (valid until {})\n", e.name, FormatUtc(e.due),
                         FormatUtc(e.valid_until));
    case RenewalEvent::Kind::kRenewed:
      return fmt::format("Renewed {} through {}: valid until {}\n", e.name, server,
                         FormatUtc(e.valid_until));
    case RenewalEvent::Kind::kCrlUpdated:
      return fmt::format("{}: CRL number {} from {} written to crl.pem (next update {})\n", e.name,
                         e.crl_number, server, FormatUtc(e.valid_until));
  }
  return {};
}

}  // namespace certmint
