#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/encoding.h"
#include "core/fs.h"
#include "inventory/inventory.h"
#include "inventory/record_render.h"

namespace certmint {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS certificates (
  serial TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  sans TEXT NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  key_type TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'valid', 'superseded', 'revoked')),
  issued_at TEXT NOT NULL,
  revoked_at TEXT,
  revocation_reason INTEGER,
  issuer_sha256 TEXT NOT NULL,
  certificate_pem TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS certificates_name ON certificates(name, status);
CREATE INDEX IF NOT EXISTS certificates_issuer ON certificates(issuer_sha256, status);
CREATE TABLE IF NOT EXISTS crl_number (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL);
INSERT OR IGNORE INTO crl_number (id, next) VALUES (1, 1);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dns TEXT NOT NULL,
  ips TEXT NOT NULL,
  role TEXT NOT NULL,
  days INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at TEXT,
  serial TEXT,
  revoked_at TEXT,
  subject TEXT,
  hours INTEGER
);
)sql";

// Column 11 of `tokens`, added after the first release: a database made
// before it gets the column (NULL: the certificate's subject is CN=name).
constexpr int kTokenSubjectColumn = 11;
// Column 12, likewise: the validity in hours (short-lived certificates);
// NULL in rows written before it, whose validity is `days`. `days` is still
// written (rounded up) for older readers.
constexpr int kTokenHoursColumn = 12;

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) {
      end = s.size();
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

long long EpochSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

using DbPtr = std::unique_ptr<sqlite3, decltype([](sqlite3* d) { sqlite3_close_v2(d); })>;
using StmtPtr =
    std::unique_ptr<sqlite3_stmt, decltype([](sqlite3_stmt* s) { sqlite3_finalize(s); })>;

const char* kReasons[] = {"unspecified",        "keyCompromise", "cACompromise",
                          "affiliationChanged", "superseded",    "cessationOfOperation",
                          "certificateHold",    "(unused)",      "removeFromCRL",
                          "privilegeWithdrawn", "aACompromise"};

// What identifies a file's contents cheaply: a write changes one of these.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{};
  friend bool operator==(const FileStamp& a, const FileStamp& b) {
    return a.dev == b.dev && a.ino == b.ino && a.size == b.size &&
           a.mtime.tv_sec == b.mtime.tv_sec && a.mtime.tv_nsec == b.mtime.tv_nsec;
  }
};

std::optional<FileStamp> StampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return FileStamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim};
}

class SqliteInventory final : public Inventory {
 public:
  // `snapshot`: the stamp of a database opened immutable (OpenInventoryReadOnly),
  // checked after every read.
  SqliteInventory(DbPtr db, std::string path, std::optional<FileStamp> snapshot = std::nullopt)
      : db_(std::move(db)), path_(std::move(path)), snapshot_(snapshot) {}

  Status RecordIssued(const std::string& name, const Certificate& cert, const Certificate& issuer,
                      TimePoint now) override {
    return Transaction([&]() { return InsertCertificate(name, cert, issuer, now, "pending"); });
  }

  Status Activate(const std::string& name, const std::string& serial) override {
    return Transaction([&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto check, Prepare("SELECT status FROM certificates WHERE serial = ?1 "
                                              "AND name = ?2"));
      Bind(check.get(), 1, serial);
      Bind(check.get(), 2, name);
      if (sqlite3_step(check.get()) != SQLITE_ROW || Text(check.get(), 0) == "revoked" ||
          Text(check.get(), 0) == "valid") {
        return {};
      }
      CM_RETURN_IF_ERROR(SupersedeOthers(name, serial));
      CM_ASSIGN_OR_RETURN(auto up, Prepare("UPDATE certificates SET status = 'valid' "
                                           "WHERE serial = ?1"));
      Bind(up.get(), 1, serial);
      return StepDone(up.get());
    });
  }

  Status Abandon(const std::string& name, const std::string& serial) override {
    return Transaction([&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto up,
                          Prepare("UPDATE certificates SET status = 'superseded' "
                                  "WHERE serial = ?1 AND name = ?2 AND status = 'pending'"));
      Bind(up.get(), 1, serial);
      Bind(up.get(), 2, name);
      return StepDone(up.get());
    });
  }

  Result<std::vector<InventoryRecord>> List(const InventoryFilter& f, TimePoint now) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string sql = "SELECT * FROM certificates WHERE 1 = 1";
    if (f.revoked_only) {
      sql += " AND status = 'revoked'";
    }
    if (f.current_only) {
      sql += " AND status != 'superseded'";
    }
    if (f.expiring_within_days) {
      sql += " AND status = 'valid' AND not_after < ?2";
    }
    if (f.name) {
      sql += " AND name = ?1";
    }
    sql += " ORDER BY name, issued_at";
    CM_ASSIGN_OR_RETURN(auto st, Prepare(sql));
    if (f.name) {
      Bind(st.get(), 1, *f.name);
    }
    if (f.expiring_within_days) {
      Bind(st.get(), 2, FormatUtc(now + std::chrono::hours(24) * *f.expiring_within_days));
    }
    return Rows(st.get());
  }

  Result<InventoryRecord> Revoke(const std::string& key, int reason, TimePoint now) override {
    InventoryRecord found;
    CM_RETURN_IF_ERROR(Transaction([&]() -> Status {
      // A serial (hex, colons optional), else the name's current certificate.
      CM_ASSIGN_OR_RETURN(auto st,
                          Prepare("SELECT * FROM certificates WHERE replace(serial, ':', '') = "
                                  "upper(replace(?1, ':', '')) "
                                  "OR (name = ?1 AND status != 'superseded') "
                                  "ORDER BY (status = 'valid') DESC, issued_at DESC LIMIT 1"));
      Bind(st.get(), 1, key);
      CM_ASSIGN_OR_RETURN(auto rows, Rows(st.get()));
      if (rows.empty()) {
        return MakeError(ErrorCode::kNotFound,
                         fmt::format("no certificate with serial or name '{}' in {}", key, path_));
      }
      found = rows[0];
      if (found.status == CertStatus::kRevoked) {
        return tl::unexpected(AlreadyRevokedError(found));
      }
      CM_ASSIGN_OR_RETURN(
          auto up,
          Prepare(
              "UPDATE certificates SET status = 'revoked', revoked_at = ?2, revocation_reason = ?3 "
              "WHERE serial = ?1"));
      Bind(up.get(), 1, found.serial);
      Bind(up.get(), 2, FormatUtc(now));
      sqlite3_bind_int(up.get(), 3, reason);
      return StepDone(up.get());
    }));
    found.status = CertStatus::kRevoked;
    found.revoked_at = FormatUtc(now);
    found.revocation_reason = reason;
    return found;
  }

  Result<std::vector<InventoryRecord>> RevokedBy(const std::string& issuer_sha256) override {
    std::lock_guard<std::mutex> lock(mu_);
    CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT * FROM certificates WHERE status = 'revoked' AND "
                                         "issuer_sha256 = ?1 ORDER BY revoked_at"));
    Bind(st.get(), 1, issuer_sha256);
    return Rows(st.get());
  }

  Result<long long> RevokedCount(const std::string& issuer_sha256) override {
    std::lock_guard<std::mutex> lock(mu_);
    CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT count(*) FROM certificates WHERE status = "
                                         "'revoked' AND issuer_sha256 = ?1"));
    Bind(st.get(), 1, issuer_sha256);
    if (sqlite3_step(st.get()) != SQLITE_ROW) {
      return DbError("counting revocations");
    }
    return static_cast<long long>(sqlite3_column_int64(st.get(), 0));
  }

  Result<long long> NextCrlNumber() override {
    long long n = 0;
    CM_RETURN_IF_ERROR(Transaction([&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto sel, Prepare("SELECT next FROM crl_number WHERE id = 1"));
      if (sqlite3_step(sel.get()) != SQLITE_ROW) {
        return DbError("reading the CRL number");
      }
      n = sqlite3_column_int64(sel.get(), 0);
      CM_ASSIGN_OR_RETURN(auto up, Prepare("UPDATE crl_number SET next = next + 1 WHERE id = 1"));
      return StepDone(up.get());
    }));
    return n;
  }

  Result<InventoryRecord> FindBySerial(const std::string& serial) override {
    std::lock_guard<std::mutex> lock(mu_);
    CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT * FROM certificates WHERE serial = ?1"));
    Bind(st.get(), 1, serial);
    CM_ASSIGN_OR_RETURN(auto rows, Rows(st.get()));
    if (rows.empty()) {
      return MakeError(ErrorCode::kNotFound, fmt::format("no certificate with serial {}", serial));
    }
    return rows[0];
  }

  Status AddToken(const std::string& hash, const TokenGrant& g, TimePoint now) override {
    return Transaction([&]() -> Status {
      CM_ASSIGN_OR_RETURN(
          auto ins,
          Prepare("INSERT INTO tokens (hash, name, dns, ips, role, days, created_at, expires_at, "
                  "subject, hours) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
      Bind(ins.get(), 1, hash);
      Bind(ins.get(), 2, g.name);
      Bind(ins.get(), 3, Join(g.sans.dns));
      Bind(ins.get(), 4, Join(g.sans.ips));
      Bind(ins.get(), 5, std::string(RoleName(g.role)));
      sqlite3_bind_int(ins.get(), 6, static_cast<int>((g.days.hours().count() + 23) / 24));
      sqlite3_bind_int64(ins.get(), 10, g.days.hours().count());
      Bind(ins.get(), 7, FormatUtc(now));
      sqlite3_bind_int64(ins.get(), 8, EpochSeconds(g.expires_at));
      if (g.subject.empty()) {
        sqlite3_bind_null(ins.get(), 9);
      } else {
        Bind(ins.get(), 9, g.subject);
      }
      return StepDone(ins.get());
    });
  }

  Result<TokenRecord> FindToken(const std::string& hash) override {
    std::lock_guard<std::mutex> lock(mu_);
    CM_ASSIGN_OR_RETURN(auto token, TokenByHash(hash));
    if (!token) {
      return MakeError(ErrorCode::kNotFound, "unknown token");
    }
    return *token;
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    std::lock_guard<std::mutex> lock(mu_);
    CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT * FROM tokens ORDER BY created_at, name"));
    return TokenRows(st.get());
  }

  Result<TokenRecord> RevokeToken(const std::string& id, TimePoint now) override {
    for (char c : id) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            fmt::format("'{}' is not a token id (hex digits, as token list shows)", id));
      }
    }
    const std::string prefix = AsciiLower(id);
    if (prefix.size() < 8) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "give at least 8 hex digits of the token id (token list shows 12)");
    }
    TokenRecord found;
    const Status done = Transaction([&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT * FROM tokens WHERE substr(hash, 1, ?2) = ?1"));
      Bind(st.get(), 1, prefix);
      sqlite3_bind_int(st.get(), 2, static_cast<int>(prefix.size()));
      CM_ASSIGN_OR_RETURN(auto rows, TokenRows(st.get()));
      if (rows.empty()) {
        return MakeError(ErrorCode::kNotFound, fmt::format("no token with id {}", prefix));
      }
      if (rows.size() > 1) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            fmt::format("{} tokens have ids starting {}: give more digits", rows.size(), prefix));
      }
      found = rows[0];
      if (!found.revoked_at.empty() || !found.used_at.empty()) {
        return MakeError(ErrorCode::kAlreadyExists,
                         fmt::format("token {} for {} was already {}", found.id, found.grant.name,
                                     found.revoked_at.empty() ? "used" : "revoked"));
      }
      CM_ASSIGN_OR_RETURN(auto up, Prepare("UPDATE tokens SET revoked_at = ?2 "
                                           "WHERE substr(hash, 1, ?3) = ?1"));
      Bind(up.get(), 1, prefix);
      Bind(up.get(), 2, FormatUtc(now));
      sqlite3_bind_int(up.get(), 3, static_cast<int>(prefix.size()));
      return StepDone(up.get());
    });
    CM_RETURN_IF_ERROR(done);
    found.revoked_at = FormatUtc(now);
    return found;
  }

  Result<RedeemOutcome> RedeemToken(const std::string& hash, const Certificate& cert,
                                    const Certificate& issuer, TimePoint now) override {
    RedeemOutcome outcome = RedeemOutcome::kRedeemed;
    const Status done = Transaction([&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto token, TokenByHash(hash));
      outcome = token ? TokenState(*token, now) : RedeemOutcome::kUnknown;
      if (outcome != RedeemOutcome::kRedeemed) {
        return {};
      }
      CM_ASSIGN_OR_RETURN(auto up, Prepare("UPDATE tokens SET used_at = ?2, serial = ?3 "
                                           "WHERE hash = ?1 AND used_at IS NULL"));
      Bind(up.get(), 1, hash);
      Bind(up.get(), 2, FormatUtc(now));
      Bind(up.get(), 3, cert.SerialHex());
      CM_RETURN_IF_ERROR(StepDone(up.get()));
      const std::string& name = token->grant.name;
      CM_RETURN_IF_ERROR(InsertCertificate(name, cert, issuer, now, "valid"));
      return SupersedeOthers(name, cert.SerialHex());
    });
    CM_RETURN_IF_ERROR(done);
    return outcome;
  }

  Result<RenewalOutcome> RecordRenewal(const std::string& name, const std::string& old_serial,
                                       const Certificate& cert, const Certificate& issuer,
                                       TimePoint now) override {
    RenewalOutcome outcome = RenewalOutcome::kRecorded;
    const Status done = Transaction([&]() -> Status {
      CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT status FROM certificates WHERE serial = ?1 "
                                           "AND name = ?2"));
      Bind(st.get(), 1, old_serial);
      Bind(st.get(), 2, name);
      if (sqlite3_step(st.get()) != SQLITE_ROW || Text(st.get(), 0) != "valid") {
        outcome = RenewalOutcome::kNotCurrent;
        return {};
      }
      CM_RETURN_IF_ERROR(InsertCertificate(name, cert, issuer, now, "valid"));
      return SupersedeOthers(name, cert.SerialHex());
    });
    CM_RETURN_IF_ERROR(done);
    return outcome;
  }

  Result<InventoryDump> Dump() override {
    InventoryDump dump;
    CM_ASSIGN_OR_RETURN(dump.certificates, List({}, TimePoint()));
    std::lock_guard<std::mutex> lock(mu_);
    CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT * FROM tokens ORDER BY created_at, name"));
    std::vector<std::string> hashes;
    CM_ASSIGN_OR_RETURN(auto tokens, TokenRows(st.get(), &hashes));
    for (size_t i = 0; i < tokens.size(); ++i) {
      dump.tokens.push_back(StoredToken{hashes[i], std::move(tokens[i])});
    }
    CM_ASSIGN_OR_RETURN(auto crl, Prepare("SELECT next FROM crl_number WHERE id = 1"));
    if (sqlite3_step(crl.get()) == SQLITE_ROW) {
      dump.next_crl_number = sqlite3_column_int64(crl.get(), 0);
    }
    return dump;
  }

  std::string Location() const override { return path_; }

  // Migrates a database made before tokens had a subject or hours: adds the
  // column (old rows keep NULL). Another process may add it at the same
  // time: its presence afterwards is what counts.
  Status AddTokenColumn(const std::string& column, const std::string& type) {
    const auto has_column = [&]() -> Result<bool> {
      std::lock_guard<std::mutex> lock(mu_);
      CM_ASSIGN_OR_RETURN(auto st, Prepare("PRAGMA table_info(tokens)"));
      bool found = false;
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        found |= Text(st.get(), 1) == column;
      }
      if (rc != SQLITE_DONE) {
        return DbError("reading the tokens table's columns");
      }
      return found;
    };
    CM_ASSIGN_OR_RETURN(bool present, has_column());
    if (present) {
      return {};
    }
    Status added = Exec(("ALTER TABLE tokens ADD COLUMN " + column + " " + type).c_str());
    CM_ASSIGN_OR_RETURN(present, has_column());
    return present ? Status{} : added;
  }

  Status Exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg != nullptr ? msg : "unknown";
      sqlite3_free(msg);
      return MakeError(ErrorCode::kIo, fmt::format("{}: {}", path_, m));
    }
    return {};
  }

 private:
  // An immutable snapshot is read without locks: valid only if no writer
  // changed the file meanwhile (it can only have started after the open).
  Status CheckSnapshot() const {
    if (snapshot_ && StampOf(path_) != snapshot_) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("{}: changed while it was read (another certmint wrote to "
                                   "it); run the command again",
                                   path_));
    }
    return {};
  }

  tl::unexpected<Error> DbError(const std::string& what) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_.get())));
  }

  // Inside a transaction.
  Status InsertCertificate(const std::string& name, const Certificate& cert,
                           const Certificate& issuer, TimePoint now, const char* status) {
    CM_ASSIGN_OR_RETURN(
        auto ins,
        Prepare("INSERT INTO certificates (serial, name, subject, sans, not_before, not_after, "
                "key_type, sha256, status, issued_at, issuer_sha256, certificate_pem) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?12, ?9, ?10, ?11)"));
    ossl::EvpPkeyPtr pub(X509_get_pubkey(cert.native()));
    Bind(ins.get(), 1, cert.SerialHex());
    Bind(ins.get(), 2, name);
    Bind(ins.get(), 3, cert.Subject().ToString());
    Bind(ins.get(), 4, cert.Sans().ToString());
    Bind(ins.get(), 5, FormatUtc(cert.NotBefore()));
    Bind(ins.get(), 6, FormatUtc(cert.NotAfter()));
    Bind(ins.get(), 7, DescribePublicKey(pub.get()).ToString());
    Bind(ins.get(), 8, cert.Sha256Fingerprint());
    Bind(ins.get(), 9, FormatUtc(now));
    Bind(ins.get(), 10, issuer.Sha256Fingerprint());
    Bind(ins.get(), 11, cert.ToPem());
    Bind(ins.get(), 12, status);
    return StepDone(ins.get());
  }

  // Inside a transaction: the name's valid or pending certificates other
  // than `serial` become superseded.
  Status SupersedeOthers(const std::string& name, const std::string& serial) {
    CM_ASSIGN_OR_RETURN(
        auto sup,
        Prepare("UPDATE certificates SET status = 'superseded' WHERE name = ?1 AND serial != ?2 "
                "AND status IN ('valid', 'pending')"));
    Bind(sup.get(), 1, name);
    Bind(sup.get(), 2, serial);
    return StepDone(sup.get());
  }

  // Under mu_: the token with this hash, if any.
  Result<std::optional<TokenRecord>> TokenByHash(const std::string& hash) {
    CM_ASSIGN_OR_RETURN(auto st, Prepare("SELECT * FROM tokens WHERE hash = ?1"));
    Bind(st.get(), 1, hash);
    CM_ASSIGN_OR_RETURN(auto rows, TokenRows(st.get()));
    if (rows.empty()) {
      return std::optional<TokenRecord>();
    }
    return std::optional<TokenRecord>(std::move(rows[0]));
  }

  // `hashes`, if given, receives each row's whole hash.
  Result<std::vector<TokenRecord>> TokenRows(sqlite3_stmt* st,
                                             std::vector<std::string>* hashes = nullptr) {
    std::vector<TokenRecord> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      TokenRecord r;
      if (hashes != nullptr) {
        hashes->push_back(Text(st, 0));
      }
      r.id = Text(st, 0).substr(0, 12);
      r.grant.name = Text(st, 1);
      r.grant.sans.dns = Split(Text(st, 2));
      r.grant.sans.ips = Split(Text(st, 3));
      auto role = ParseRole(Text(st, 4));
      r.grant.role = role ? *role : Role::kBoth;
      r.grant.days = sqlite3_column_int(st, 5);
      if (sqlite3_column_count(st) > kTokenHoursColumn &&
          sqlite3_column_type(st, kTokenHoursColumn) != SQLITE_NULL) {
        r.grant.days = Validity::Hours(sqlite3_column_int64(st, kTokenHoursColumn));
      }
      r.created_at = Text(st, 6);
      r.grant.expires_at = TimePoint(std::chrono::seconds(sqlite3_column_int64(st, 7)));
      r.used_at = Text(st, 8);
      r.revoked_at = Text(st, 10);
      r.serial = Text(st, 9);
      // A database made before the column, read without migrating it (a
      // read-only open), has no subject: CN=name.
      if (sqlite3_column_count(st) > kTokenSubjectColumn) {
        r.grant.subject = Text(st, kTokenSubjectColumn);
      }
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
      return DbError("reading");
    }
    CM_RETURN_IF_ERROR(CheckSnapshot());
    return out;
  }

  // A prepared statement: from the cache (reset and handed back when done)
  // or, when the cached one is in use, a fresh one finalized when done.
  class Stmt {
   public:
    Stmt(sqlite3_stmt* st, bool* in_use) : st_(st), in_use_(in_use) {}
    Stmt(Stmt&& o) noexcept : st_(std::exchange(o.st_, nullptr)), in_use_(o.in_use_) {}
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt& operator=(Stmt&&) = delete;
    ~Stmt() {
      if (st_ == nullptr) {
        return;
      }
      if (in_use_ != nullptr) {
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
        *in_use_ = false;
      } else {
        sqlite3_finalize(st_);
      }
    }
    sqlite3_stmt* get() const { return st_; }

   private:
    sqlite3_stmt* st_;
    bool* in_use_;
  };

  // Statements are parsed once per connection and reused (under mu_).
  Result<Stmt> Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end() && !it->second.in_use) {
      it->second.in_use = true;
      return Stmt(it->second.stmt.get(), &it->second.in_use);
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      return DbError("preparing a query");
    }
    if (it != cache_.end()) {
      return Stmt(st, nullptr);
    }
    CachedStmt& c = cache_[sql];
    c.stmt.reset(st);
    c.in_use = true;
    return Stmt(st, &c.in_use);
  }

  // A single statement without results (transaction control), cached.
  Status Run(const std::string& sql) {
    CM_ASSIGN_OR_RETURN(auto st, Prepare(sql));
    return StepDone(st.get());
  }

  static void Bind(sqlite3_stmt* st, int i, const std::string& v) {
    sqlite3_bind_text(st, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }

  Status StepDone(sqlite3_stmt* st) {
    if (sqlite3_step(st) != SQLITE_DONE) {
      return DbError("writing");
    }
    return {};
  }

  // Every change goes through here. Group commit: changes that arrive while
  // another thread is writing wait, then go into one transaction together,
  // each in its own savepoint (one failing does not undo the others), with
  // one fsync at COMMIT for all of them. BEGIN IMMEDIATE takes SQLite's write
  // lock up front, so other processes wait (busy timeout) instead of failing
  // half-way. `body` runs on whichever thread leads the batch, with mu_ held.
  Status Transaction(const std::function<Status()>& body) {
    Pending self{&body};
    std::unique_lock<std::mutex> lk(queue_mu_);
    queue_.push_back(&self);
    while (!self.done && writing_) {
      queue_cv_.wait(lk);
    }
    if (self.done) {
      return self.status;
    }
    writing_ = true;
    std::vector<Pending*> batch;
    batch.swap(queue_);
    lk.unlock();
    {
      std::lock_guard<std::mutex> db(mu_);
      WriteBatch(batch);
    }
    lk.lock();
    for (Pending* p : batch) {
      p->done = true;
    }
    writing_ = false;
    queue_cv_.notify_all();
    return self.status;
  }

  struct Pending {
    const std::function<Status()>* body;
    Status status = {};
    bool done = false;
  };

  void WriteBatch(const std::vector<Pending*>& batch) {
    Status begin = Run("BEGIN IMMEDIATE");
    if (!begin) {
      for (Pending* p : batch) {
        p->status = begin;
      }
      return;
    }
    for (Pending* p : batch) {
      if (batch.size() == 1) {
        p->status = (*p->body)();
        if (!p->status) {
          (void)Run("ROLLBACK");
          return;
        }
        continue;
      }
      Status sp = Run("SAVEPOINT change");
      p->status = sp ? (*p->body)() : sp;
      if (!p->status) {
        (void)Run("ROLLBACK TO change");
      }
      (void)Run("RELEASE change");
    }
    Status commit = Run("COMMIT");
    if (!commit) {
      (void)Run("ROLLBACK");
      for (Pending* p : batch) {
        if (p->status) {
          p->status = commit;
        }
      }
    }
  }

  static std::string Text(sqlite3_stmt* st, int col) {
    const auto* t = sqlite3_column_text(st, col);
    return t != nullptr ? reinterpret_cast<const char*>(t) : "";
  }

  Result<std::vector<InventoryRecord>> Rows(sqlite3_stmt* st) {
    std::vector<InventoryRecord> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      InventoryRecord r;
      r.serial = Text(st, 0);
      r.name = Text(st, 1);
      r.subject = Text(st, 2);
      r.sans = Text(st, 3);
      r.not_before = Text(st, 4);
      r.not_after = Text(st, 5);
      r.key_type = Text(st, 6);
      r.sha256 = Text(st, 7);
      const std::string status = Text(st, 8);
      r.status = status == "revoked"      ? CertStatus::kRevoked
                 : status == "superseded" ? CertStatus::kSuperseded
                 : status == "pending"    ? CertStatus::kPending
                                          : CertStatus::kValid;
      r.issued_at = Text(st, 9);
      r.revoked_at = Text(st, 10);
      r.revocation_reason = sqlite3_column_int(st, 11);
      r.issuer_sha256 = Text(st, 12);
      r.certificate_pem = Text(st, 13);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
      return DbError("reading");
    }
    CM_RETURN_IF_ERROR(CheckSnapshot());
    return out;
  }

  struct CachedStmt {
    StmtPtr stmt;
    bool in_use = false;
  };

  DbPtr db_;
  std::string path_;
  std::optional<FileStamp> snapshot_;
  std::mutex mu_;  // the connection and the statement cache
  // After db_: destroyed (finalized) before the connection closes.
  std::unordered_map<std::string, CachedStmt> cache_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<Pending*> queue_;  // changes waiting for the next batch
  bool writing_ = false;
};

}  // namespace

RedeemOutcome TokenState(const TokenRecord& token, TimePoint now) {
  return !token.revoked_at.empty()       ? RedeemOutcome::kRevoked
         : !token.used_at.empty()        ? RedeemOutcome::kUsed
         : token.grant.expires_at <= now ? RedeemOutcome::kExpired
                                         : RedeemOutcome::kRedeemed;
}

std::string_view CertStatusName(CertStatus s) {
  switch (s) {
    case CertStatus::kValid:
      return "valid";
    case CertStatus::kSuperseded:
      return "superseded";
    case CertStatus::kRevoked:
      return "revoked";
    case CertStatus::kPending:
      return "pending";
  }
  return "?";
}

Result<int> ParseRevocationReason(std::string_view text) {
  std::string t;
  for (char c : text) {
    if (c != '-' && c != '_') {
      t.push_back(c);
    }
  }
  t = AsciiLower(t);
  for (int i = 0; i < 11; ++i) {
    if (i != 7 && AsciiLower(kReasons[i]) == t) {
      return i;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("unknown revocation reason '{}' (expected unspecified, "
                               "key-compromise, ca-compromise, affiliation-changed, superseded, "
                               "cessation-of-operation, certificate-hold, privilege-withdrawn)",
                               text));
}

std::string_view RevocationReasonName(int code) {
  return code >= 0 && code <= 10 ? kReasons[code] : "unknown";
}

Result<std::vector<InventoryRecord>> InUseCertificatesOf(Inventory& inventory,
                                                         const Certificate& issuer, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto current, inventory.List({.current_only = true}, now));
  const std::string issuer_sha256 = issuer.Sha256Fingerprint();
  const std::string now_text = FormatUtc(now);
  std::vector<InventoryRecord> in_use;
  for (auto& r : current) {
    if (r.status == CertStatus::kValid && r.issuer_sha256 == issuer_sha256 &&
        r.not_after > now_text) {
      in_use.push_back(std::move(r));
    }
  }
  return in_use;
}

std::string InventoryPath(const std::string& pki_dir) { return pki_dir + "/inventory.db"; }

namespace {

// A file: URI for `path` (RFC 8089; SQLite decodes %HH in the path).
std::string FileUri(const std::string& path) {
  std::string out = path.starts_with('/') ? "file://" : "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Inventory>> OpenSqliteInventoryReadOnly(const std::string& pki_dir) {
  const std::string path = InventoryPath(pki_dir);
  const auto stamp = StampOf(path);
  if (!stamp) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{}: no inventory ({})", path, std::strerror(errno)));
  }
  // Without a -wal or -shm beside it, no connection has the database open and
  // the one file holds everything: read it immutable, which creates no file
  // and takes no lock (so it works in a directory nobody may write). A writer
  // that starts meanwhile changes the file's stamp, and the read is refused.
  // Otherwise a writer (`certmint serve`) has it open: read through its WAL.
  const bool quiescent = !fs::Exists(path + "-wal") && !fs::Exists(path + "-shm");
  const std::string uri = FileUri(path) + (quiescent ? "?immutable=1" : "?mode=ro");
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(uri.c_str(), &raw,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kIo, fmt::format("opening {} read-only: {}", path,
                                                 raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(db.get(), 30000);
  return std::unique_ptr<Inventory>(
      std::make_unique<SqliteInventory>(std::move(db), path, quiescent ? stamp : std::nullopt));
}

Result<std::unique_ptr<Inventory>> OpenSqliteInventory(const std::string& pki_dir) {
  const std::string path = InventoryPath(pki_dir);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kIo, fmt::format("opening {}: {}", path,
                                                 raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  ::chmod(path.c_str(), 0600);
  sqlite3_busy_timeout(db.get(), 30000);
  auto inv = std::make_unique<SqliteInventory>(std::move(db), path);
  CM_RETURN_IF_ERROR(inv->Exec("PRAGMA journal_mode = WAL"));
  CM_RETURN_IF_ERROR(inv->Exec("PRAGMA synchronous = FULL"));
  CM_RETURN_IF_ERROR(inv->Exec(kSchema));
  CM_RETURN_IF_ERROR(inv->AddTokenColumn("subject", "TEXT"));
  CM_RETURN_IF_ERROR(inv->AddTokenColumn("hours", "INTEGER"));
  return std::unique_ptr<Inventory>(std::move(inv));
}

}  // namespace certmint
