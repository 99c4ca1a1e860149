// The flags several commands share, each defined once with one wording
// ("one wording per flag across commands"). Names, defaults and
// required-ness are as every command had them.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "identity/output_flags.h"
#include "x509/validity.h"

namespace certmint::cli {

// --dir: the CA's directory (required).
CLI::Option* AddCaDir(CLI::App* cmd, std::string* dir);
// --ca-password-file, and --pin-file (PinFileFlag) for a CA key in a token.
CLI::Option* AddCaPasswordFile(CLI::App* cmd, std::string* file);

// What --password-file's store password is for; each has one wording.
enum class StorePasswordUse {
  kNewIdentity,    // a new identity's stores (else a random one in OUT/NAME/password)
  kExisting,       // a store to open and rewrite (else a prompt)
  kBesideStore,    // stores to read (else the password file beside each store)
  kGiven,          // stores or keys to read: only when given
  kEveryIdentity,  // one password for every identity of a manifest (apply)
  kFromKey,        // stores built from a key (keystore install; else the key's password)
};
CLI::Option* AddStorePasswordFile(CLI::App* cmd, std::string* file, StorePasswordUse use);

// What --dns and --ip name.
enum class SanUse {
  kIssued,   // the SANs the certificate carries
  kAllowed,  // the most a request or token may ask for
  kAsked,    // what a node asks for
};
void AddSanFlags(CLI::App* cmd, std::vector<std::string>* dns, std::vector<std::string>* ips,
                 SanUse use);

// --json: "Print WHAT as JSON".
CLI::Option* AddJson(CLI::App* cmd, bool* json, const std::string& what = "the result");
// --out where it is the parent directory of identity directories
// (OUT/NAME/); the help says so, and what the command does there.
enum class IdentityOutUse {
  kWrite,  // a new identity is written to OUT/NAME/ (issue, enroll, keystore install)
  kApply,  // every identity of the manifest (apply)
  kRenew,  // the identities to renew (renew)
  kCheck,  // the identities to check (ca retire)
};
CLI::Option* AddIdentityOut(CLI::App* cmd, std::string* out,
                            IdentityOutUse use = IdentityOutUse::kWrite);
// --out where it is one file to write: "File to write: WHAT".
CLI::Option* AddOutFile(CLI::App* cmd, std::string* out, const std::string& what);
// --role for a certificate to issue (default shown).
CLI::Option* AddRole(CLI::App* cmd, std::string* role);
// --days: the validity of a node certificate or of a CA (default shown), in
// days (365, 365d) or hours (24h), read by ParseValidity.
CLI::Option* AddDays(CLI::App* cmd, ValidityFlag* days, bool ca = false);
// --key-type (default shown).
CLI::Option* AddKeyType(CLI::App* cmd, std::string* key_type);

// --format, --alias, --p12-profile and --passwordless-truststore: how a new
// identity's files are written.
void AddOutputFlags(CLI::App* cmd, OutputFlags* flags);

// Runs a command whose result is the text to print (a library function's).
Runner PrintingText(std::function<Result<std::string>()> run);

}  // namespace certmint::cli
