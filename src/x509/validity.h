// How long a certificate is valid: whole hours, from kMinValidity to
// kMaxValidity. `--days` and the manifest's `days` take it as days ("90",
// "90d") or hours ("24h", "36h"): short-lived certificates, which are
// renewed at two thirds of their lifetime, so that a node that is not
// renewed drops out within hours even for peers that check no revocation
// (docs/renewal.md, "Short-lived certificates").
#pragma once

#include <chrono>
#include <compare>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace certmint {

class Validity {
 public:
  constexpr Validity() = default;
  // `days` whole days: an int means days, as `--days N` always has. Not
  // explicit, so `options.days = 30` keeps meaning 30 days.
  constexpr Validity(int days) : hours_(std::chrono::hours(24) * days) {}  // NOLINT
  static constexpr Validity Hours(long long hours) {
    Validity v;
    v.hours_ = std::chrono::hours(hours);
    return v;
  }

  constexpr std::chrono::hours hours() const { return hours_; }
  // Whole days, rounded down (0 for a validity under a day).
  constexpr long long WholeDays() const { return hours_.count() / 24; }
  // "90d" for whole days, else "36h": what ParseValidity reads back.
  std::string ToString() const;
  // "90 days", "36 hours", "1 day": for sentences.
  std::string Describe() const;

  constexpr auto operator<=>(const Validity&) const = default;

 private:
  std::chrono::hours hours_{0};
};

// `--days` as given on the command line: text for ParseValidity ("365",
// "90d", "24h"). An int is whole days, so that `flags.days = 30` and
// `CaFlags{subject, key_type, 3650}` keep their meaning.
struct ValidityFlag {
  ValidityFlag(int days) : text(std::to_string(days)) {}                 // NOLINT
  ValidityFlag(std::string days) : text(std::move(days)) {}              // NOLINT
  ValidityFlag(const char* days) : text(days == nullptr ? "" : days) {}  // NOLINT
  std::string text;
};

// The shortest validity certmint signs: two hours. The renewal daemon renews
// at two thirds of the lifetime but never within kMinRenewalInterval (an
// hour) of the last renewal, so a shorter certificate would expire before it
// could be renewed.
inline constexpr Validity kMinValidity = Validity::Hours(2);

// The longest: 100 years, for CAs and nodes alike. A longer one only hides a
// typo (`--days 100000`), and far beyond it dates stop fitting the encodings.
inline constexpr Validity kMaxValidity = Validity(36500);

// ParseValidity reads "N" or "Nd" (days) or "Nh" (hours): digits only, no
// sign or spaces, within [kMinValidity, kMaxValidity]. kInvalidArgument
// starting with `what` (the flag; empty: no prefix): "--days: '24x' is not
// a validity: ...".
Result<Validity> ParseValidity(std::string_view text, std::string_view what);

// kInvalidArgument unless kMinValidity <= v <= kMaxValidity, naming `what`.
Status CheckValidity(Validity v, std::string_view what = "--days");

}  // namespace certmint
