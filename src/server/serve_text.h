// What `certmint serve` prints once it listens.
#pragma once

#include <string>

#include "core/console_text.h"
#include "server/http_server.h"
#include "server/serve.h"

namespace certmint {

// The URL (an IPv6 host in brackets), the CA fingerprint nodes pin, and the
// service's certificate: its names, expiry and when it is renewed.
std::string RenderServeListening(const std::string& host, int port, const std::string& fingerprint,
                                 const ServerIdentity& identity);

// The status listener's URL and what it answers.
std::string RenderStatusListening(const std::string& host, int port);

// The admin listener's URL: "Admin listener on http://HOST:PORT/ui/ ...".
std::string RenderAdminListening(const std::string& host, int port);

// ConnectServeConsole makes `config` report to `print`: its log lines (and
// the access log, unless config.quiet) on err, whole lines from any thread
// one at a time; the listening texts above on out. Call it once the
// listen addresses are set.
void ConnectServeConsole(ServeConfig& config, const ConsoleSink& print);

}  // namespace certmint
