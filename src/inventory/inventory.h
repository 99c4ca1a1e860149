// The inventory: every certificate the CA issued. By default in SQLite
// inside the PKI directory (DIR/inventory.db): one transaction per change,
// WAL mode and a busy timeout, so several certmint processes can issue at
// once without losing rows. Or in PostgreSQL (postgres_inventory.cc), shared
// by several `certmint serve` replicas: DIR/inventory.json, or --inventory /
// CERTMINT_INVENTORY, names it (docs/high-availability.md).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "inventory/token_records.h"
#include "x509/certificate.h"
#include "x509/general_names.h"

namespace certmint {

// kPending: recorded before its files were written; becomes kValid when they
// are in place (Activate), so that a crash in between never leaves the
// deployed certificate marked superseded.
enum class CertStatus { kValid, kSuperseded, kRevoked, kPending };
std::string_view CertStatusName(CertStatus s);

// RFC 5280 §5.3.1 reasonCode.
Result<int> ParseRevocationReason(std::string_view text);
std::string_view RevocationReasonName(int code);

struct InventoryRecord {
  std::string serial;  // upper-case hex with colons
  std::string name;
  std::string subject;
  std::string sans;  // "DNS:a, IP:1.2.3.4"
  std::string not_before;
  std::string not_after;
  std::string key_type;
  std::string sha256;
  CertStatus status = CertStatus::kValid;
  std::string issued_at;
  std::string revoked_at;
  int revocation_reason = 0;
  std::string issuer_sha256;  // the CA certificate that signed it
  std::string certificate_pem;
};

struct InventoryFilter {
  std::optional<int> expiring_within_days = {};  // valid certificates ending sooner
  bool revoked_only = false;
  bool current_only = false;  // hide superseded
  std::optional<std::string> name = {};
};

enum class RenewalOutcome { kRecorded, kNotCurrent };

// A token as stored: its hash with what TokenRecord shows (for copying an
// inventory; the hash never leaves the CA's machines).
struct StoredToken {
  std::string hash;
  TokenRecord record;
};

// Everything an inventory holds (`inventory migrate`).
struct InventoryDump {
  std::vector<InventoryRecord> certificates;
  std::vector<StoredToken> tokens;
  long long next_crl_number = 1;
};

class Inventory {
 public:
  virtual ~Inventory() = default;

  // Records a certificate issued for `name`, as pending.
  virtual Status RecordIssued(const std::string& name, const Certificate& cert,
                              const Certificate& issuer, TimePoint now) = 0;
  // Marks the certificate with `serial` as the valid one of `name` (its files
  // are deployed); the name's other valid or pending certificates become
  // superseded, in one transaction. A revoked or unknown serial is left alone.
  virtual Status Activate(const std::string& name, const std::string& serial) = 0;
  // Marks the pending certificate with `serial` superseded: its files never
  // appeared (a run killed between recording and deploying) and another
  // certificate, or none, is deployed. Anything not pending is left alone;
  // a late Activate still makes it valid.
  virtual Status Abandon(const std::string& name, const std::string& serial) = 0;
  virtual Result<std::vector<InventoryRecord>> List(const InventoryFilter& filter,
                                                    TimePoint now) = 0;
  // Revokes the current certificate of a name, or a certificate by serial.
  // kNotFound when nothing matches; kAlreadyExists when already revoked.
  virtual Result<InventoryRecord> Revoke(const std::string& name_or_serial, int reason,
                                         TimePoint now) = 0;
  // Revoked certificates signed by the CA certificate with this fingerprint.
  virtual Result<std::vector<InventoryRecord>> RevokedBy(const std::string& issuer_sha256) = 0;
  // How many certificates signed by that CA are revoked: cheap (an index),
  // for a service that polls it to see another process's `certmint revoke`
  // (revocations are never undone, so a change in the count is a change).
  virtual Result<long long> RevokedCount(const std::string& issuer_sha256) = 0;
  // The next CRL number (RFC 5280 §5.2.3), increasing across calls.
  virtual Result<long long> NextCrlNumber() = 0;
  // A certificate by serial (upper-case hex with colons); kNotFound.
  virtual Result<InventoryRecord> FindBySerial(const std::string& serial) = 0;

  // Enrollment tokens are stored by the SHA-256 of the token only.
  virtual Status AddToken(const std::string& token_hash, const TokenGrant& grant,
                          TimePoint now) = 0;
  // kNotFound for an unknown hash.
  virtual Result<TokenRecord> FindToken(const std::string& token_hash) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Withdraws an unused token by its id (TokenRecord::id, or a longer prefix
  // of its hash). kNotFound when none matches, kInvalidArgument when the
  // prefix is ambiguous, kAlreadyExists when it was used or revoked already.
  virtual Result<TokenRecord> RevokeToken(const std::string& id, TimePoint now) = 0;
  // In one transaction: marks the token used and records `cert` as the valid
  // certificate of the token's name (others of that name become superseded).
  // Only one of several concurrent redeemers of a token gets kRedeemed.
  virtual Result<RedeemOutcome> RedeemToken(const std::string& token_hash, const Certificate& cert,
                                            const Certificate& issuer, TimePoint now) = 0;
  // In one transaction: records `cert` as the valid certificate of `name` in
  // place of `old_serial` — only if `old_serial` is still the valid one
  // (else kNotCurrent and nothing is written).
  virtual Result<RenewalOutcome> RecordRenewal(const std::string& name,
                                               const std::string& old_serial,
                                               const Certificate& cert, const Certificate& issuer,
                                               TimePoint now) = 0;

  // Whether the database answers now (the service's /v1/health): an error
  // naming the inventory and the cause when it does not.
  virtual Status CheckHealth() { return {}; }
  // Every certificate and token, and the next CRL number.
  virtual Result<InventoryDump> Dump();
  // Adds what `dump` holds; safe to repeat: rows already present keep their
  // state, except that a revocation, a token's use or withdrawal, and a
  // higher CRL number are carried over. kInvalidArgument where unsupported.
  virtual Status Import(const InventoryDump& dump);
  // Where it lives: a file's path, or a connection string (never a password).
  virtual std::string Location() const { return ""; }
};

// The certificates `issuer` signed that are still in use: the valid (not
// superseded, revoked or pending) certificate of their name, unexpired at
// `now`. A CA with any of these cannot stop being trusted without stranding
// their holders.
Result<std::vector<InventoryRecord>> InUseCertificatesOf(Inventory& inventory,
                                                         const Certificate& issuer, TimePoint now);

std::string InventoryPath(const std::string& pki_dir);

// DIR/inventory.json: {"url": "postgresql://..."}, the shared inventory of a
// CA whose service runs as replicas. Absent: DIR/inventory.db.
std::string InventorySettingsPath(const std::string& pki_dir);

// Every later OpenInventory* in this process uses `location` (a PostgreSQL
// URI, or "" for each directory's own), whatever the directory says: the
// CLI's --inventory. CERTMINT_INVENTORY in the environment does the same
// when no override is set.
void SetInventoryOverride(std::string location);

// Where the inventory of `pki_dir` lives: a checked PostgreSQL URI, or ""
// for DIR/inventory.db.
Result<std::string> InventoryLocation(const std::string& pki_dir);

// Whether `pki_dir` has an inventory to open: a PostgreSQL one is
// configured, or DIR/inventory.db exists.
bool HasInventory(const std::string& pki_dir);

// Checks a PostgreSQL connection URI: postgresql:// or postgres://, and no
// password in it (kInvalidArgument: libpq's PGPASSFILE, PGPASSWORD or
// service file give it, so that it is on no command line and in no file
// copied with the CA directory).
Result<std::string> CheckPostgresUri(std::string_view uri);

// Records `uri` (checked) in DIR/inventory.json; "" removes the file.
Status SaveInventoryLocation(const std::string& pki_dir, const std::string& uri);

// Where the service's inventory events go (the database lost and found
// again, one JSON line each); unset: nowhere (a command reports the error
// itself).
void SetInventoryLog(std::function<void(std::string_view)> log);

// Open DIR/inventory.db whatever is configured: OpenInventory's and
// OpenInventoryReadOnly's SQLite cases.
Result<std::unique_ptr<Inventory>> OpenSqliteInventory(const std::string& pki_dir);
Result<std::unique_ptr<Inventory>> OpenSqliteInventoryReadOnly(const std::string& pki_dir);
// Opens the PostgreSQL inventory at `uri`, creating or migrating its schema
// (unless `read_only`: then every transaction is read-only and a database
// without the schema is kNotFound).
Result<std::unique_ptr<Inventory>> OpenPostgresInventory(const std::string& uri,
                                                         bool read_only = false);

// Opens the inventory InventoryLocation names; for SQLite, creating
// DIR/inventory.db if needed, mode 0600.
Result<std::unique_ptr<Inventory>> OpenInventory(const std::string& pki_dir);

// Opens DIR/inventory.db for reading only (list-like commands): never
// creates it (kNotFound), changes no mode, sets no journal mode, creates no
// table, and leaves no -wal or -shm file behind, so it works on a CA
// directory nobody may write (a read-only mount, a backup). Every change
// fails with kIo (a read-only database). While a writer has it open, reads go
// through that writer's WAL; otherwise the file is read as a snapshot, and a
// read that a writer starting meanwhile could have torn is refused (kIo: run
// again).
Result<std::unique_ptr<Inventory>> OpenInventoryReadOnly(const std::string& pki_dir);

}  // namespace certmint
