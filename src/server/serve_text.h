// What `certmint serve` prints once it listens.
#pragma once

#include <string>

#include "server/http_server.h"

namespace certmint {

// The URL (an IPv6 host in brackets), the CA fingerprint nodes pin, and the
// service's certificate: its names, expiry and when it is renewed.
std::string RenderServeListening(const std::string& host, int port, const std::string& fingerprint,
                                 const ServerIdentity& identity);

// The status listener's URL and what it answers.
std::string RenderStatusListening(const std::string& host, int port);

}  // namespace certmint
