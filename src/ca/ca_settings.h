// What a CA directory says about the CA besides its certificate and key:
// today the public base URL of its service's status listener (`ca init
// --url`, `ca set-url`, the manifest's `ca.url`), from which every
// certificate the CA issues learns where its status is (docs/revocation.md).
//
//   DIR/settings.json  0644  {"url": "http://ca.example.com:8080"}
//
// A directory without the file is a CA without settings: its certificates
// keep the profile they always had.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "x509/issue.h"

namespace certmint {

std::string CaSettingsPath(const std::string& dir);

// The paths the status listener (`certmint serve --status-listen`) answers
// at, below the CA's URL: OCSP requests (RFC 6960 Appendix A: POST to the
// path, GET to the path followed by "/" and the request in base64) and the
// current CRL in DER (RFC 5280 §4.2.1.13).
inline constexpr std::string_view kOcspPath = "/ocsp";
inline constexpr std::string_view kCrlPath = "/crl.der";

// Longest base URL accepted.
inline constexpr size_t kMaxStatusUrlLength = 200;

// Checks a status listener's base URL: `http://HOST` or `http://HOST:PORT`
// (HOST a DNS name, an IPv4 address or a bracketed IPv6 address; PORT 1 to
// 65535), at most kMaxStatusUrlLength characters, an optional trailing "/"
// dropped. Plain HTTP only: relying parties fetch revocation data without
// TLS (a TLS fetch would need its own revocation check), and the answers are
// signed. kInvalidArgument naming `flag` and the (escaped) text otherwise.
Result<std::string> ParseStatusUrl(std::string_view text, std::string_view flag = "--url");

// The OCSP and CRL locations below a checked base URL; empty for "".
StatusLocations StatusLocationsOf(const std::string& base_url);

struct CaSettings {
  std::string url;  // empty: none (an offline CA)
};

// DIR/settings.json; defaults when the file does not exist. kInvalidData
// naming the file when it is not what SaveCaSettings writes.
Result<CaSettings> LoadCaSettings(const std::string& dir);
// Writes DIR/settings.json atomically (removes it for default settings).
Status SaveCaSettings(const std::string& dir, const CaSettings& settings);

// `ca set-url`: sets (or, with nullopt, clears) the URL of the CA in `dir`.
// kNotFound when `dir` holds no CA. Returns the settings now in force.
Result<CaSettings> SetCaUrl(const std::string& dir, const std::optional<std::string>& url);

}  // namespace certmint
