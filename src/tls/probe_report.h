// What `certmint probe` shows of a live server: the chain it presented, with
// days left, and the verdicts on chain, name and our client certificate.
#pragma once

#include <string>

#include "core/encoding.h"
#include "tls/probe.h"

namespace certmint {

// The name a probe verifies: options.servername, else options.host.
std::string ProbeName(const ProbeOptions& options);

// "HOST:PORT: TLSv1.3 CIPHER", each certificate of the chain with issuer,
// notAfter and days left at `options.now`, then one line per verdict (or a
// note that the chain was not verified without a truststore).
std::string RenderProbeText(const std::string& target, const ProbeOptions& options,
                            const ProbeReport& report);
// {"target", "protocol", "cipher", "chain": [...], "ok", "name",
// "client_certificate_rejected"} and, with a truststore, "chain_trusted",
// "chain_reason" and "name_matches".
std::string RenderProbeJson(const std::string& target, const ProbeOptions& options,
                            const ProbeReport& report);

}  // namespace certmint
