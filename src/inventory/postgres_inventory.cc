// The inventory in PostgreSQL, shared by several `certmint serve` replicas
// (docs/high-availability.md). Correct across processes by the database,
// not by a lock in one process:
// - a token is redeemed by one conditional UPDATE (... WHERE used_at IS NULL
//   RETURNING) under READ COMMITTED: a concurrent redeemer waits for the
//   row, re-reads it and updates nothing; the certificate's token_hash is
//   UNIQUE besides;
// - serials and fingerprints are UNIQUE;
// - CRL numbers come from a sequence, increasing across replicas;
// - changes to one identity's certificates (renewal, redemption, activation)
//   take a transaction-scoped advisory lock on its name.
// Every statement is parameterised (PQexecParams). Connections are pooled;
// one found broken is dropped with the idle ones, and the next operation
// connects again, so a replica recovers by itself when the database returns.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/encoding.h"
#include "inventory/inventory.h"
#include "inventory/record_render.h"
#include "keys/private_key.h"

namespace certmint {
namespace {

// Version 1: certificates, tokens, crl_number. Each later version appends
// its statements to kMigrations; a database at version N runs N+1 onwards.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE certificates (
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
  certificate_pem TEXT NOT NULL,
  token_hash TEXT UNIQUE
);
CREATE INDEX certificates_name ON certificates (name, status);
CREATE INDEX certificates_issuer ON certificates (issuer_sha256, status);
CREATE SEQUENCE crl_number START 1;
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dns TEXT NOT NULL,
  ips TEXT NOT NULL,
  role TEXT NOT NULL,
  days INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at TEXT,
  serial TEXT,
  revoked_at TEXT,
  subject TEXT,
  hours BIGINT NOT NULL
);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// pg_advisory_xact_lock(class, key) classes: the schema, and identity names.
constexpr int kSchemaLock = 0x636d0001;
constexpr int kNameLock = 0x636d0002;

constexpr const char* kCertColumns =
    "serial, name, subject, sans, not_before, not_after, key_type, sha256, status, issued_at, "
    "revoked_at, revocation_reason, issuer_sha256, certificate_pem";
constexpr const char* kTokenColumns =
    "hash, name, dns, ips, role, days, created_at, expires_at, used_at, serial, revoked_at, "
    "subject, hours";

using ConnPtr = std::unique_ptr<PGconn, decltype([](PGconn* c) { PQfinish(c); })>;
using ResultPtr = std::unique_ptr<PGresult, decltype([](PGresult* r) { PQclear(r); })>;
using Param = std::optional<std::string>;

// A connection and the statements prepared on it (by their text): each is
// parsed and planned by the server once per connection, not per call.
struct Connection {
  ConnPtr conn;
  std::unordered_map<std::string, std::string> prepared;  // SQL -> name
};
using ConnectionPtr = std::unique_ptr<Connection>;

std::mutex log_mu;
std::function<void(std::string_view)> inventory_log;

void LogEvent(const nlohmann::json& line) {
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(log_mu);
  if (inventory_log) {
    inventory_log(text);  // a command's own error says it otherwise
  }
}

std::string FirstLine(const char* text) {
  std::string s = text != nullptr ? text : "";
  s = s.substr(0, s.find('\n'));
  return PrintableBytes(s, 300);
}

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
    end = end == std::string::npos ? s.size() : end;
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

long long EpochSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// One connection, for one operation: statements and their errors.
class Session {
 public:
  Session(Connection* c, const std::string& location)
      : conn_(c->conn.get()), prepared_(c->prepared), location_(location) {}

  // Runs `sql` with `params` ($1...; nullopt is NULL), text in and out, as
  // a statement prepared on this connection (PQprepare, PQexecPrepared).
  Result<ResultPtr> Exec(const char* sql, const std::vector<Param>& params = {}) {
    std::vector<const char*> values;
    for (const auto& p : params) {
      values.push_back(p ? p->c_str() : nullptr);
    }
    auto name = Prepared(sql, static_cast<int>(values.size()));
    if (!name) {
      return tl::unexpected(name.error());
    }
    ResultPtr res(PQexecPrepared(conn_, name->c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0));
    return Checked(std::move(res));
  }

  // The name of `sql` prepared on this connection, preparing it first.
  Result<std::string> Prepared(const char* sql, int n_params) {
    auto it = prepared_.find(sql);
    if (it != prepared_.end()) {
      return it->second;
    }
    const std::string name = "certmint_" + std::to_string(prepared_.size());
    ResultPtr res(PQprepare(conn_, name.c_str(), sql, n_params, nullptr));
    CM_RETURN_IF_ERROR(Checked(std::move(res)));
    prepared_.emplace(sql, name);
    return name;
  }

  Result<ResultPtr> Checked(ResultPtr res) {
    const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      return res;
    }
    const char* msg = res ? PQresultErrorMessage(res.get()) : PQerrorMessage(conn_);
    if (*msg == '\0') {
      msg = PQerrorMessage(conn_);
    }
    return MakeError(ErrorCode::kIo, fmt::format("inventory {}: {}", location_, FirstLine(msg)));
  }

  // Several statements without parameters (the schema's migrations: the
  // one place PQexec is used, with constant text).
  Status RunScript(const char* sql) {
    ResultPtr res(PQexec(conn_, sql));
    if (res && PQresultStatus(res.get()) == PGRES_COMMAND_OK) {
      return {};
    }
    return MakeError(
        ErrorCode::kIo,
        fmt::format("inventory {}: migrating the schema: {}", location_,
                    FirstLine(res ? PQresultErrorMessage(res.get()) : PQerrorMessage(conn_))));
  }

  Status Run(const char* sql, const std::vector<Param>& params = {}) {
    CM_ASSIGN_OR_RETURN(auto res, Exec(sql, params));
    return {};
  }

  // Serialises, until the transaction ends, every change to `name`.
  Status LockName(const std::string& name) {
    return Run("SELECT pg_advisory_xact_lock($1::integer, hashtext($2))",
               {std::to_string(kNameLock), name});
  }

  bool Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

 private:
  PGconn* conn_;
  std::unordered_map<std::string, std::string>& prepared_;
  const std::string& location_;
};

std::string Value(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

long long Number(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? 0 : std::atoll(PQgetvalue(r, row, col));
}

std::vector<InventoryRecord> CertRows(const PGresult* r) {
  std::vector<InventoryRecord> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    InventoryRecord c;
    c.serial = Value(r, i, 0);
    c.name = Value(r, i, 1);
    c.subject = Value(r, i, 2);
    c.sans = Value(r, i, 3);
    c.not_before = Value(r, i, 4);
    c.not_after = Value(r, i, 5);
    c.key_type = Value(r, i, 6);
    c.sha256 = Value(r, i, 7);
    const std::string status = Value(r, i, 8);
    c.status = status == "revoked"      ? CertStatus::kRevoked
               : status == "superseded" ? CertStatus::kSuperseded
               : status == "pending"    ? CertStatus::kPending
                                        : CertStatus::kValid;
    c.issued_at = Value(r, i, 9);
    c.revoked_at = Value(r, i, 10);
    c.revocation_reason = static_cast<int>(Number(r, i, 11));
    c.issuer_sha256 = Value(r, i, 12);
    c.certificate_pem = Value(r, i, 13);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<StoredToken> TokenRows(const PGresult* r) {
  std::vector<StoredToken> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    StoredToken t;
    t.hash = Value(r, i, 0);
    TokenRecord& rec = t.record;
    rec.id = t.hash.substr(0, 12);
    rec.grant.name = Value(r, i, 1);
    rec.grant.sans.dns = Split(Value(r, i, 2));
    rec.grant.sans.ips = Split(Value(r, i, 3));
    auto role = ParseRole(Value(r, i, 4));
    rec.grant.role = role ? *role : Role::kBoth;
    rec.created_at = Value(r, i, 6);
    rec.grant.expires_at = TimePoint(std::chrono::seconds(Number(r, i, 7)));
    rec.used_at = Value(r, i, 8);
    rec.serial = Value(r, i, 9);
    rec.revoked_at = Value(r, i, 10);
    rec.grant.subject = Value(r, i, 11);
    rec.grant.days = Validity::Hours(Number(r, i, 12));
    out.push_back(std::move(t));
  }
  return out;
}

// The columns of a certificate row, in InsertCertificate's order.
std::vector<Param> CertificateParams(const std::string& name, const Certificate& cert,
                                     const Certificate& issuer, TimePoint now,
                                     const std::string& status, Param token_hash) {
  ossl::EvpPkeyPtr pub(X509_get_pubkey(cert.native()));
  return {cert.SerialHex(),
          name,
          cert.Subject().ToString(),
          cert.Sans().ToString(),
          FormatUtc(cert.NotBefore()),
          FormatUtc(cert.NotAfter()),
          DescribePublicKey(pub.get()).ToString(),
          cert.Sha256Fingerprint(),
          status,
          FormatUtc(now),
          issuer.Sha256Fingerprint(),
          cert.ToPem(),
          std::move(token_hash)};
}

constexpr const char* kInsertCertificate =
    "INSERT INTO certificates (serial, name, subject, sans, not_before, not_after, key_type, "
    "sha256, status, issued_at, issuer_sha256, certificate_pem, token_hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

// Inside a transaction: the name's valid or pending certificates other than
// `serial` become superseded.
Status SupersedeOthers(Session& s, const std::string& name, const std::string& serial) {
  return s.Run(
      "UPDATE certificates SET status = 'superseded' WHERE name = $1 AND serial <> $2 "
      "AND status IN ('valid', 'pending')",
      {name, serial});
}

// Inside a transaction holding the name's lock: records a valid
// certificate (`params` as CertificateParams makes them) and supersedes the
// name's other valid or pending ones, in one statement (one round trip; the
// UPDATE does not see the row the INSERT adds, and leaves its serial alone).
Status InsertValid(Session& s, const std::vector<Param>& params) {
  return s.Run(
      "WITH added AS (INSERT INTO certificates (serial, name, subject, sans, not_before, "
      "not_after, key_type, sha256, status, issued_at, issuer_sha256, certificate_pem, "
      "token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
      "RETURNING serial) "
      "UPDATE certificates SET status = 'superseded' WHERE name = $2 AND serial <> $1 AND "
      "status IN ('valid', 'pending')",
      params);
}

// Idle connections, reused; a broken one is dropped.
class ConnectionPool {
 public:
  ConnectionPool(std::string uri, bool read_only) : uri_(std::move(uri)), read_only_(read_only) {}

  Result<ConnectionPtr> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        ConnectionPtr c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    // Later keywords win: the URI's own settings override these defaults.
    // A partitioned network must not hang a request: TCP keepalives and a
    // user timeout notice a silent peer in about 30 s (ignored on a Unix
    // socket), and no statement runs longer than 30 s.
    const char* keys[] = {"connect_timeout",
                          "application_name",
                          "keepalives",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "tcp_user_timeout",
                          "options",
                          "dbname",
                          nullptr};
    const char* values[] = {"5",
                            "certmint",
                            "1",
                            "10",
                            "5",
                            "3",
                            "30000",
                            read_only_
                                ? "-c client_min_messages=warning -c statement_timeout=30000 "
                                  "-c default_transaction_read_only=on"
                                : "-c client_min_messages=warning -c statement_timeout=30000",
                            uri_.c_str(),
                            nullptr};
    ConnPtr c(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
    if (!c || PQstatus(c.get()) != CONNECTION_OK) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("inventory {}: cannot connect: {}", uri_,
                                   c ? FirstLine(PQerrorMessage(c.get())) : "out of memory"));
    }
    return std::make_unique<Connection>(Connection{std::move(c), {}});
  }

  void Release(ConnectionPtr c) {
    PGconn* raw = c->conn.get();
    if (PQstatus(raw) != CONNECTION_OK || PQtransactionStatus(raw) != PQTRANS_IDLE) {
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(std::move(c));
    }
  }

  // After a broken connection: the idle ones went with the same server.
  void Flush() {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.clear();
  }

 private:
  static constexpr size_t kMaxIdle = 32;
  std::string uri_;
  bool read_only_;
  std::mutex mu_;
  std::vector<ConnectionPtr> idle_;
};

class PostgresInventory final : public Inventory {
 public:
  PostgresInventory(std::string uri, bool read_only)
      : uri_(std::move(uri)), pool_(uri_, read_only) {}

  // Creates or migrates the schema, one replica at a time.
  Status Migrate() {
    return Transaction([](Session& s) -> Status {
      CM_RETURN_IF_ERROR(
          s.Run("SELECT pg_advisory_xact_lock($1::integer, 0)", {std::to_string(kSchemaLock)}));
      CM_RETURN_IF_ERROR(
          s.Run("CREATE TABLE IF NOT EXISTS certmint_schema (version INTEGER NOT NULL)"));
      CM_ASSIGN_OR_RETURN(auto v, s.Exec("SELECT coalesce(max(version), 0) FROM certmint_schema"));
      const int version = static_cast<int>(Number(v.get(), 0, 0));
      if (version > kSchemaVersion) {
        return MakeError(ErrorCode::kInvalidData,
                         fmt::format("the inventory's schema is version {}, newer than this "
                                     "certmint's {}: upgrade certmint",
                                     version, kSchemaVersion));
      }
      for (int i = version; i < kSchemaVersion; ++i) {
        CM_RETURN_IF_ERROR(s.RunScript(kMigrations[i]));
      }
      CM_RETURN_IF_ERROR(s.Run("DELETE FROM certmint_schema"));
      return s.Run("INSERT INTO certmint_schema (version) VALUES ($1)",
                   {std::to_string(kSchemaVersion)});
    });
  }

  // A read-only open: the schema must be there already.
  Status CheckSchema() {
    return Transaction([](Session& s) -> Status {
      CM_ASSIGN_OR_RETURN(auto r, s.Exec("SELECT to_regclass('certmint_schema') IS NOT NULL"));
      if (Value(r.get(), 0, 0) != "t") {
        return MakeError(ErrorCode::kNotFound, "no certmint inventory in this database yet");
      }
      return {};
    });
  }

  Status RecordIssued(const std::string& name, const Certificate& cert, const Certificate& issuer,
                      TimePoint now) override {
    return Transaction([&](Session& s) {
      return s.Run(kInsertCertificate,
                   CertificateParams(name, cert, issuer, now, "pending", std::nullopt));
    });
  }

  Status Activate(const std::string& name, const std::string& serial) override {
    return Transaction([&](Session& s) -> Status {
      CM_RETURN_IF_ERROR(s.LockName(name));
      CM_ASSIGN_OR_RETURN(auto r, s.Exec("SELECT status FROM certificates WHERE serial = $1 AND "
                                         "name = $2",
                                         {serial, name}));
      if (PQntuples(r.get()) == 0 || Value(r.get(), 0, 0) == "revoked" ||
          Value(r.get(), 0, 0) == "valid") {
        return {};
      }
      CM_RETURN_IF_ERROR(SupersedeOthers(s, name, serial));
      return s.Run("UPDATE certificates SET status = 'valid' WHERE serial = $1", {serial});
    });
  }

  Status Abandon(const std::string& name, const std::string& serial) override {
    return Transaction([&](Session& s) {
      return s.Run(
          "UPDATE certificates SET status = 'superseded' WHERE serial = $1 AND name = $2 AND "
          "status = 'pending'",
          {serial, name});
    });
  }

  Result<std::vector<InventoryRecord>> List(const InventoryFilter& f, TimePoint now) override {
    std::string sql = fmt::format("SELECT {} FROM certificates WHERE true", kCertColumns);
    std::vector<Param> params;
    if (f.revoked_only) {
      sql += " AND status = 'revoked'";
    }
    if (f.current_only) {
      sql += " AND status <> 'superseded'";
    }
    if (f.expiring_within_days) {
      params.push_back(FormatUtc(now + std::chrono::hours(24) * *f.expiring_within_days));
      sql += fmt::format(" AND status = 'valid' AND not_after < ${}", params.size());
    }
    if (f.name) {
      params.push_back(*f.name);
      sql += fmt::format(" AND name = ${}", params.size());
    }
    sql += " ORDER BY name, issued_at";
    return Certificates(sql, params);
  }

  Result<InventoryRecord> Revoke(const std::string& key, int reason, TimePoint now) override {
    InventoryRecord found;
    const Status done = Transaction([&](Session& s) -> Status {
      // A serial (hex, colons optional), else the name's current certificate.
      CM_ASSIGN_OR_RETURN(
          auto r, s.Exec(fmt::format("SELECT {} FROM certificates WHERE replace(serial, ':', '') "
                                     "= upper(replace($1, ':', '')) OR (name = $1 AND status <> "
                                     "'superseded') ORDER BY (status = 'valid') DESC, issued_at "
                                     "DESC LIMIT 1 FOR UPDATE",
                                     kCertColumns)
                             .c_str(),
                         {key}));
      auto rows = CertRows(r.get());
      if (rows.empty()) {
        return MakeError(ErrorCode::kNotFound,
                         fmt::format("no certificate with serial or name '{}' in {}", key, uri_));
      }
      found = rows[0];
      if (found.status == CertStatus::kRevoked) {
        return tl::unexpected(AlreadyRevokedError(found));
      }
      return s.Run(
          "UPDATE certificates SET status = 'revoked', revoked_at = $2, revocation_reason = $3 "
          "WHERE serial = $1",
          {found.serial, FormatUtc(now), std::to_string(reason)});
    });
    CM_RETURN_IF_ERROR(done);
    found.status = CertStatus::kRevoked;
    found.revoked_at = FormatUtc(now);
    found.revocation_reason = reason;
    return found;
  }

  Result<std::vector<InventoryRecord>> RevokedBy(const std::string& issuer_sha256) override {
    return Certificates(fmt::format("SELECT {} FROM certificates WHERE status = 'revoked' AND "
                                    "issuer_sha256 = $1 ORDER BY revoked_at",
                                    kCertColumns),
                        {issuer_sha256});
  }

  Result<long long> RevokedCount(const std::string& issuer_sha256) override {
    return Scalar(
        "SELECT count(*) FROM certificates WHERE status = 'revoked' AND issuer_sha256 = $1",
        {issuer_sha256});
  }

  Result<long long> NextCrlNumber() override { return Scalar("SELECT nextval('crl_number')", {}); }

  Result<InventoryRecord> FindBySerial(const std::string& serial) override {
    CM_ASSIGN_OR_RETURN(
        auto rows,
        Certificates(fmt::format("SELECT {} FROM certificates WHERE serial = $1", kCertColumns),
                     {serial}));
    if (rows.empty()) {
      return MakeError(ErrorCode::kNotFound, fmt::format("no certificate with serial {}", serial));
    }
    return rows[0];
  }

  Status AddToken(const std::string& hash, const TokenGrant& g, TimePoint now) override {
    return Transaction([&](Session& s) {
      return s.Run(
          "INSERT INTO tokens (hash, name, dns, ips, role, days, created_at, expires_at, "
          "subject, hours) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {hash, g.name, Join(g.sans.dns), Join(g.sans.ips), std::string(RoleName(g.role)),
           std::to_string((g.days.hours().count() + 23) / 24), FormatUtc(now),
           std::to_string(EpochSeconds(g.expires_at)),
           g.subject.empty() ? Param() : Param(g.subject), std::to_string(g.days.hours().count())});
    });
  }

  Result<TokenRecord> FindToken(const std::string& hash) override {
    CM_ASSIGN_OR_RETURN(
        auto rows,
        Tokens(fmt::format("SELECT {} FROM tokens WHERE hash = $1", kTokenColumns), {hash}));
    if (rows.empty()) {
      return MakeError(ErrorCode::kNotFound, "unknown token");
    }
    return std::move(rows[0].record);
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    CM_ASSIGN_OR_RETURN(
        auto rows,
        Tokens(fmt::format("SELECT {} FROM tokens ORDER BY created_at, name", kTokenColumns), {}));
    std::vector<TokenRecord> out;
    for (auto& t : rows) {
      out.push_back(std::move(t.record));
    }
    return out;
  }

  Result<TokenRecord> RevokeToken(const std::string& id, TimePoint now) override;
  Result<RedeemOutcome> RedeemToken(const std::string& hash, const Certificate& cert,
                                    const Certificate& issuer, TimePoint now) override;
  Result<RenewalOutcome> RecordRenewal(const std::string& name, const std::string& old_serial,
                                       const Certificate& cert, const Certificate& issuer,
                                       TimePoint now) override;
  Result<InventoryDump> Dump() override;
  Status Import(const InventoryDump& dump) override;

  Status CheckHealth() override {
    return Transaction([](Session& s) { return s.Run("SELECT 1"); }, /*one_statement=*/true);
  }

  std::string Location() const override { return uri_; }

  // Runs `body` in one READ COMMITTED transaction on a pooled connection;
  // with `one_statement`, its single statement on its own (autocommit: one
  // round trip instead of three, for reads and nextval). A connection found
  // broken at BEGIN, or at the single statement (the server restarted since
  // it was pooled), is replaced once: nothing was done on it. A failure
  // later is returned: the caller's request fails (503) and the client
  // retries.
  template <typename Body>
  Status Transaction(Body&& body, bool one_statement = false) {
    for (int attempt = 0;; ++attempt) {
      auto conn = pool_.Acquire();
      if (!conn) {
        NoteReachable(tl::unexpected(conn.error()));
        return tl::unexpected(conn.error());
      }
      Session s(conn->get(), uri_);
      Status st = one_statement ? Status{} : s.Run("BEGIN ISOLATION LEVEL READ COMMITTED");
      if (st) {
        st = body(s);
        st = st && !one_statement ? s.Run("COMMIT") : st;
      } else if (s.Broken() && attempt == 0) {
        pool_.Flush();
        continue;
      }
      if (!st && s.Broken() && one_statement && attempt == 0) {
        pool_.Flush();
        continue;
      }
      if (!st && !s.Broken() && !one_statement) {
        (void)s.Run("ROLLBACK");
      }
      if (s.Broken()) {
        pool_.Flush();
        NoteReachable(st ? Status(MakeError(ErrorCode::kIo, "connection lost")) : st);
      } else {
        NoteReachable({});
        pool_.Release(std::move(*conn));
      }
      return st;
    }
  }

 private:
  // Logs one line when the database is lost, and one when it is back.
  void NoteReachable(const Status& st) {
    const bool down = !st.has_value();
    if (down_.exchange(down) == down) {
      return;
    }
    nlohmann::json line{{"time", FormatUtc(std::chrono::system_clock::now())},
                        {"event", down ? "inventory_unreachable" : "inventory_reachable"},
                        {"inventory", uri_}};
    if (down) {
      line["error"] = st.error().message();
      line["effect"] = "requests needing the inventory are answered 503 until it is back";
    }
    LogEvent(line);
  }

  // The rows of one statement, each read by `read` (CertRows, TokenRows).
  template <typename Row>
  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Param>& params,
                                 std::vector<Row> (*read)(const PGresult*)) {
    std::vector<Row> out;
    const Status done = Transaction(
        [&](Session& s) -> Status {
          CM_ASSIGN_OR_RETURN(auto r, s.Exec(sql.c_str(), params));
          out = read(r.get());
          return {};
        },
        /*one_statement=*/true);
    CM_RETURN_IF_ERROR(done);
    return out;
  }

  Result<std::vector<InventoryRecord>> Certificates(const std::string& sql,
                                                    const std::vector<Param>& params) {
    return Query(sql, params, CertRows);
  }

  Result<std::vector<StoredToken>> Tokens(const std::string& sql,
                                          const std::vector<Param>& params) {
    return Query(sql, params, TokenRows);
  }

  Result<long long> Scalar(const char* sql, const std::vector<Param>& params) {
    long long out = 0;
    const Status done = Transaction(
        [&](Session& s) -> Status {
          CM_ASSIGN_OR_RETURN(auto r, s.Exec(sql, params));
          out = Number(r.get(), 0, 0);
          return {};
        },
        /*one_statement=*/true);
    CM_RETURN_IF_ERROR(done);
    return out;
  }

  std::string uri_;
  ConnectionPool pool_;
  std::atomic<bool> down_{false};
};

Result<TokenRecord> PostgresInventory::RevokeToken(const std::string& id, TimePoint now) {
  for (char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not a token id (hex digits, as token list shows)",
                                   PrintableBytes(id, 80)));
    }
  }
  const std::string prefix = AsciiLower(id);
  if (prefix.size() < 8) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give at least 8 hex digits of the token id (token list shows 12)");
  }
  TokenRecord found;
  const Status done = Transaction([&](Session& s) -> Status {
    CM_ASSIGN_OR_RETURN(
        auto r, s.Exec(fmt::format("SELECT {} FROM tokens WHERE left(hash, $2) = $1 FOR UPDATE",
                                   kTokenColumns)
                           .c_str(),
                       {prefix, std::to_string(prefix.size())}));
    auto rows = TokenRows(r.get());
    if (rows.empty()) {
      return MakeError(ErrorCode::kNotFound, fmt::format("no token with id {}", prefix));
    }
    if (rows.size() > 1) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{} tokens have ids starting {}: give more digits", rows.size(), prefix));
    }
    found = rows[0].record;
    if (!found.revoked_at.empty() || !found.used_at.empty()) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("token {} for {} was already {}", found.id, found.grant.name,
                                   found.revoked_at.empty() ? "used" : "revoked"));
    }
    return s.Run("UPDATE tokens SET revoked_at = $2 WHERE hash = $1",
                 {rows[0].hash, FormatUtc(now)});
  });
  CM_RETURN_IF_ERROR(done);
  found.revoked_at = FormatUtc(now);
  return found;
}

Result<RedeemOutcome> PostgresInventory::RedeemToken(const std::string& hash,
                                                     const Certificate& cert,
                                                     const Certificate& issuer, TimePoint now) {
  RedeemOutcome outcome = RedeemOutcome::kRedeemed;
  const Status done = Transaction([&](Session& s) -> Status {
    // The one statement that decides: a concurrent redeemer blocks on the
    // row, then re-evaluates the WHERE on the committed row and updates
    // nothing (READ COMMITTED, PostgreSQL docs §13.2.1).
    CM_ASSIGN_OR_RETURN(
        auto up, s.Exec("UPDATE tokens SET used_at = $2, serial = $3 WHERE hash = $1 AND "
                        "used_at IS NULL AND revoked_at IS NULL AND expires_at > $4 "
                        "RETURNING name, pg_advisory_xact_lock($5::integer, hashtext(name))",
                        {hash, FormatUtc(now), cert.SerialHex(), std::to_string(EpochSeconds(now)),
                         std::to_string(kNameLock)}));
    if (PQntuples(up.get()) == 0) {
      CM_ASSIGN_OR_RETURN(
          auto r,
          s.Exec(fmt::format("SELECT {} FROM tokens WHERE hash = $1", kTokenColumns).c_str(),
                 {hash}));
      auto rows = TokenRows(r.get());
      outcome = rows.empty() ? RedeemOutcome::kUnknown : TokenState(rows[0].record, now);
      if (outcome == RedeemOutcome::kRedeemed) {
        outcome = RedeemOutcome::kExpired;  // expired by the database's comparison
      }
      return {};
    }
    // The name's lock was taken by the UPDATE (RETURNING): the statements
    // from here on see every change made to the name before it.
    const std::string name = Value(up.get(), 0, 0);
    return InsertValid(s, CertificateParams(name, cert, issuer, now, "valid", hash));
  });
  CM_RETURN_IF_ERROR(done);
  return outcome;
}

Result<RenewalOutcome> PostgresInventory::RecordRenewal(const std::string& name,
                                                        const std::string& old_serial,
                                                        const Certificate& cert,
                                                        const Certificate& issuer, TimePoint now) {
  RenewalOutcome outcome = RenewalOutcome::kRecorded;
  const Status done = Transaction([&](Session& s) -> Status {
    // Renewals of one identity, on any replica, one after the other: the
    // second finds the first's certificate current and its own old one not.
    CM_RETURN_IF_ERROR(s.LockName(name));
    CM_ASSIGN_OR_RETURN(auto r, s.Exec("SELECT status FROM certificates WHERE serial = $1 AND "
                                       "name = $2",
                                       {old_serial, name}));
    if (PQntuples(r.get()) == 0 || Value(r.get(), 0, 0) != "valid") {
      outcome = RenewalOutcome::kNotCurrent;
      return {};
    }
    return InsertValid(s, CertificateParams(name, cert, issuer, now, "valid", std::nullopt));
  });
  CM_RETURN_IF_ERROR(done);
  return outcome;
}

Result<InventoryDump> PostgresInventory::Dump() {
  InventoryDump dump;
  CM_ASSIGN_OR_RETURN(dump.certificates, List({}, TimePoint()));
  CM_ASSIGN_OR_RETURN(
      dump.tokens,
      Tokens(fmt::format("SELECT {} FROM tokens ORDER BY created_at, name", kTokenColumns), {}));
  CM_ASSIGN_OR_RETURN(dump.next_crl_number,
                      Scalar("SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                             "FROM crl_number",
                             {}));
  return dump;
}

// Inside a transaction: one certificate of a dump, added or (a revocation
// since the last copy) updated.
Status ImportCertificate(Session& s, const InventoryRecord& c) {
  return s.Run(
      "INSERT INTO certificates (serial, name, subject, sans, not_before, not_after, key_type, "
      "sha256, status, issued_at, revoked_at, revocation_reason, issuer_sha256, certificate_pem) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
      "ON CONFLICT (serial) DO UPDATE SET status = 'revoked', revoked_at = EXCLUDED.revoked_at, "
      "revocation_reason = EXCLUDED.revocation_reason "
      "WHERE EXCLUDED.status = 'revoked' AND certificates.status <> 'revoked'",
      {c.serial, c.name, c.subject, c.sans, c.not_before, c.not_after, c.key_type, c.sha256,
       std::string(CertStatusName(c.status)), c.issued_at,
       c.revoked_at.empty() ? Param() : Param(c.revoked_at),
       c.status == CertStatus::kRevoked ? Param(std::to_string(c.revocation_reason)) : Param(),
       c.issuer_sha256, c.certificate_pem});
}

Status ImportToken(Session& s, const StoredToken& t) {
  const TokenRecord& r = t.record;
  const auto opt = [](const std::string& v) { return v.empty() ? Param() : Param(v); };
  return s.Run(
      "INSERT INTO tokens (hash, name, dns, ips, role, days, created_at, expires_at, used_at, "
      "serial, revoked_at, subject, hours) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
      "ON CONFLICT (hash) DO UPDATE SET used_at = coalesce(tokens.used_at, EXCLUDED.used_at), "
      "serial = coalesce(tokens.serial, EXCLUDED.serial), "
      "revoked_at = coalesce(tokens.revoked_at, EXCLUDED.revoked_at)",
      {t.hash, r.grant.name, Join(r.grant.sans.dns), Join(r.grant.sans.ips),
       std::string(RoleName(r.grant.role)),
       std::to_string((r.grant.days.hours().count() + 23) / 24), r.created_at,
       std::to_string(EpochSeconds(r.grant.expires_at)), opt(r.used_at), opt(r.serial),
       opt(r.revoked_at), opt(r.grant.subject), std::to_string(r.grant.days.hours().count())});
}

Status PostgresInventory::Import(const InventoryDump& dump) {
  return Transaction([&](Session& s) -> Status {
    for (const auto& c : dump.certificates) {
      CM_RETURN_IF_ERROR(ImportCertificate(s, c));
    }
    for (const auto& t : dump.tokens) {
      CM_RETURN_IF_ERROR(ImportToken(s, t));
    }
    // Each redeemed token's certificate carries it (the UNIQUE backstop).
    CM_RETURN_IF_ERROR(
        s.Run("UPDATE certificates c SET token_hash = t.hash FROM tokens t WHERE t.serial = "
              "c.serial AND c.token_hash IS NULL AND NOT EXISTS (SELECT 1 FROM certificates o "
              "WHERE o.token_hash = t.hash)"));
    // The CRL number never goes back.
    return s.Run(
        "SELECT setval('crl_number', greatest($1::bigint, (SELECT CASE WHEN is_called THEN "
        "last_value + 1 ELSE last_value END FROM crl_number)), false)",
        {std::to_string(dump.next_crl_number)});
  });
}

}  // namespace

void SetInventoryLog(std::function<void(std::string_view)> log) {
  std::lock_guard<std::mutex> lock(log_mu);
  inventory_log = std::move(log);
}

Result<std::unique_ptr<Inventory>> OpenPostgresInventory(const std::string& uri, bool read_only) {
  CM_ASSIGN_OR_RETURN(auto checked, CheckPostgresUri(uri));
  auto inv = std::make_unique<PostgresInventory>(checked, read_only);
  CM_RETURN_IF_ERROR(read_only ? inv->CheckSchema() : inv->Migrate());
  return std::unique_ptr<Inventory>(std::move(inv));
}

}  // namespace certmint
