#include "x509/validity.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/encoding.h"

namespace certmint {
namespace {

std::string Prefix(std::string_view what) {
  return what.empty() ? std::string() : std::string(what) + ": ";
}

// Whether `v` is within [kMinValidity, kMaxValidity]; the error calls it
// `shown` (as the user wrote it, or described).
Status CheckRange(Validity v, std::string_view what, std::string_view shown) {
  if (v < kMinValidity) {
    return MakeError(ErrorCode::kInvalidArgument,
                     Prefix(what) + fmt::format("{} is shorter than certmint signs (at least {}: "
                                                "the renewal daemon renews no sooner than an "
                                                "hour after issue)",
                                                shown, kMinValidity.Describe()));
  }
  if (v > kMaxValidity) {
    return MakeError(ErrorCode::kInvalidArgument,
                     Prefix(what) + fmt::format("{} is more than certmint signs ({} days, 100 "
                                                "years)",
                                                shown, kMaxValidity.WholeDays()));
  }
  return {};
}

}  // namespace

std::string Validity::ToString() const {
  return hours_.count() % 24 == 0 ? fmt::format("{}d", WholeDays())
                                  : fmt::format("{}h", hours_.count());
}

std::string Validity::Describe() const {
  const bool days = hours_.count() % 24 == 0 && hours_.count() != 0;
  const long long n = days ? WholeDays() : hours_.count();
  return fmt::format("{} {}{}", n, days ? "day" : "hour", n == 1 ? "" : "s");
}

Status CheckValidity(Validity v, std::string_view what) {
  return CheckRange(v, what, v.Describe());
}

Result<Validity> ParseValidity(std::string_view text, std::string_view what) {
  const auto bad = [&] {
    return MakeError(
        ErrorCode::kInvalidArgument,
        Prefix(what) + fmt::format("'{}' is not a validity: give days (90 or 90d) or hours "
                                   "(24h), from {} to {} days",
                                   PrintableBytes(text, 40), kMinValidity.ToString(),
                                   kMaxValidity.WholeDays()));
  };
  std::string_view digits = text;
  char unit = 'd';
  if (!digits.empty() && (digits.back() == 'd' || digits.back() == 'h')) {
    unit = digits.back();
    digits.remove_suffix(1);
  }
  if (digits.empty()) {
    return bad();
  }
  // Past ten digits the number is far beyond kMaxValidity (876000 hours):
  // stop counting before it could overflow.
  long long n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return bad();
    }
    n = std::min<long long>(n * 10 + (c - '0'), 10'000'000'000LL);
  }
  const Validity v = unit == 'h' ? Validity::Hours(n) : Validity::Hours(n * 24);
  CM_RETURN_IF_ERROR(CheckRange(v, what, PrintableBytes(text, 40)));
  return v;
}

}  // namespace certmint
