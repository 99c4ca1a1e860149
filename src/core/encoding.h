// Small encodings used across modules: hex, digests, times.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace certmint {

using TimePoint = std::chrono::system_clock::time_point;

std::string Sha256(std::string_view data);
std::string Sha1(std::string_view data);
// "ab:cd:ef", upper case as keytool and openssl print fingerprints.
std::string HexColon(std::string_view bytes);
std::string Hex(std::string_view bytes);
// ASCII letters in lower case, every other byte as it is (names, aliases,
// hex, option values: never locale-dependent).
std::string AsciiLower(std::string_view text);

// Untrusted bytes (from a certificate, a request, a file name) made safe to
// print: anything outside printable ASCII, and the backslash, becomes \xNN,
// so a hostile string carries no terminal escapes, line breaks or invalid
// UTF-8 into output. At most `max` input bytes are shown ("..." after).
std::string PrintableBytes(std::string_view bytes, size_t max = std::string_view::npos);
// A message that may quote untrusted bytes, made safe for one terminal line:
// C0 controls (line breaks and ESC included), DEL and the C1 controls (as
// UTF-8: U+0080..U+009F, the 8-bit CSI among them) become \xNN or \u00NN;
// everything else, valid UTF-8 and backslashes, stays as it is, so that text
// PrintableBytes already escaped is not escaped twice. Error::ToString uses it.
std::string EscapeControls(std::string_view text);
// `text` without the ASCII whitespace (space, \t, \n, \v, \f, \r) at either end.
std::string TrimAsciiSpace(std::string_view text);
// "2026-11-28T03:17:00Z".
std::string FormatUtc(TimePoint t);
// The time FormatUtc wrote; nullopt for any other text.
std::optional<TimePoint> ParseUtc(std::string_view text);
// Whole days from `now` until `until`, rounded towards zero (negative once
// past): what every "days_left" of the output says.
long long DaysLeft(TimePoint until, TimePoint now);

}  // namespace certmint
