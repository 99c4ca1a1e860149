// `certmint inventory migrate`: a CA directory's SQLite inventory copied
// into PostgreSQL, checked, and the directory switched to it.
#pragma once

#include <string>

#include "core/error.h"

namespace certmint {

struct MigrationReport {
  std::string from;         // DIR/inventory.db
  std::string to;           // the PostgreSQL URI (no password)
  size_t certificates = 0;  // copied from SQLite (all found in PostgreSQL)
  size_t tokens = 0;
  long long next_crl_number = 0;   // PostgreSQL's, never below SQLite's
  size_t target_certificates = 0;  // in PostgreSQL afterwards (more if it held others)
  size_t target_tokens = 0;
  bool switched = false;  // DIR/inventory.json now names `to`
};

// Copies DIR/inventory.db into the PostgreSQL inventory at `to` (creating
// its schema), then checks that every certificate, token and the CRL
// number arrived; with `switch_dir`, records `to` in DIR/inventory.json so
// that every command and `certmint serve` on DIR use it. Safe to run again:
// rows already copied are kept, later revocations and token uses are
// carried over. The SQLite file is left as it was (a backup).
// kInvalidData when the check finds a row missing.
Result<MigrationReport> MigrateInventory(const std::string& pki_dir, const std::string& to,
                                         bool switch_dir);

}  // namespace certmint
