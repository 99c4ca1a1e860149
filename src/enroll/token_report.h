// What `certmint token create` and `token list` show, as text and JSON, and
// a new token's file.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "enroll/token.h"
#include "inventory/inventory.h"

namespace certmint {

// Writes the token (one line, mode 0600) to `path` atomically; the
// deliverer CreateEnrollmentToken calls. `path` must not exist yet
// (kAlreadyExists, checked by CheckTokenFileAbsent before the token is made).
DeliverToken DeliverTokenToFile(const std::string& path);
Status CheckTokenFileAbsent(const std::string& path);

struct TokenCreation {
  TokenGrant grant;
  CreatedToken created;
};
// CreateTokenIn is `token create`: the grant (MakeTokenGrant), refused when
// `token_file` exists (CheckTokenFileAbsent), then the token, recorded in
// the inventory of the CA in `pki_dir` (OpenCaInventory) and written to
// `token_file` (empty: none; the caller shows it once).
Result<TokenCreation> CreateTokenIn(const std::string& pki_dir, const std::string& name,
                                    const RequestFlags& request, std::chrono::seconds ttl,
                                    const std::string& token_file, TimePoint now);

// The grant and the token's id, with the token itself when it went to no
// file (`token_file` empty), else "token_file". The text holds the secret:
// the caller cleanses it after printing.
std::string RenderTokenCreatedJson(const TokenGrant& grant, const CreatedToken& created,
                                   const std::string& token_file);
// The line for stderr: id, name, names, role, expiry, and where the token
// went.
std::string RenderTokenCreatedText(const TokenGrant& grant, const CreatedToken& created,
                                   const std::string& token_file);

// `token list`: a table, or a JSON array of TokenJson.
std::string RenderTokenListText(const std::vector<TokenRecord>& tokens, TimePoint now);
std::string RenderTokenListJson(const std::vector<TokenRecord>& tokens, TimePoint now);

// `token revoke`: "Revoked token ID for NAME: it can no longer enroll".
std::string RenderTokenRevokedText(const TokenRecord& token);

}  // namespace certmint
