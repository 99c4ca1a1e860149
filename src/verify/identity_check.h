// `certmint verify` as a whole: every store pair of an identity directory
// (or one keystore with its truststore) verified, the settings files beside
// them read as Kafka and kcat read them, and the private files' modes — one
// list of checks, and the report a person or a script reads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "stores/keystore.h"
#include "verify/verify.h"

namespace certmint {

// A keystore (its files read as one store: a PEM key with its chain) and
// the truststore deployed with it.
struct StorePairFiles {
  std::vector<std::string> keystore_files;
  std::string truststore_file;
};

// What to verify. Where an identity directory keeps its stores is the
// identity layer's knowledge (FindIdentityStores in identity/files.h); the
// caller finds them.
struct IdentityCheckTarget {
  // The name in the report: the directory's, or the keystore's file name.
  std::string identity;
  // The identity directory, whose password and settings files are checked
  // too; empty for a lone keystore and truststore.
  std::string dir;
  std::vector<StorePairFiles> pairs;
  // Password files given on the command line (--password-file): a warning
  // when other users can read them (CheckPasswordFileModes).
  std::vector<std::string> password_files = {};
};

// The password of the store at `path` (a store file or the identity
// directory); nullopt for none.
using StorePasswordFor =
    std::function<Result<std::optional<SecretString>>(const std::string& path)>;

struct IdentityCheck {
  std::string identity;  // as in the target
  std::vector<Check> checks;
  // The first keystore read (every format holds the same chain), for
  // ExpiryMetrics.
  std::optional<KeyStore> keystore;
};

// Verifies every pair of `target` with `options`, each store opened with
// the password `password_for` gives for the directory (or, without one, the
// keystore file); then the directory's settings files, then the modes of the
// private files (keystores, PEM keys, password and settings files) and of
// the target's password files. A store
// that does not open is an error naming it; failed checks are results.
Result<IdentityCheck> CheckIdentity(const IdentityCheckTarget& target, const VerifyOptions& options,
                                    const StorePasswordFor& password_for);

// Writes the Prometheus gauges of `result`'s keystore (ExpiryMetrics; none
// when no keystore was read) to `path`, atomically and world-readable, for
// node_exporter's textfile collector.
Status WriteExpiryMetrics(const std::string& path, const IdentityCheck& result, TimePoint now);

// One line per check ("fail  keystore.p12: chain: ...") and a summary line.
std::string RenderIdentityCheckText(const IdentityCheck& result);
// {"identity", "result", "checks": [{"scope", "check", "status", "detail"}]}.
std::string RenderIdentityCheckJson(const IdentityCheck& result);

}  // namespace certmint
