// A throwaway PostgreSQL server for a test: initdb in a temporary directory,
// the server listening on a Unix socket there only (no TCP port), trust
// authentication, fsync off. Run as an unprivileged user (nobody) when the
// tests run as root: initdb and postgres refuse root. Stopped and removed
// when the object goes away.
#pragma once

#include <memory>
#include <string>

#include "support/process.h"

namespace certmint::testing {

class PostgresServer {
 public:
  // nullptr (with the reason in *why) when PostgreSQL is not installed or
  // does not start.
  static std::unique_ptr<PostgresServer> Start(std::string* why);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A new, empty database; its connection URI (no password).
  std::string CreateDatabase(const std::string& name);
  // postgresql:///NAME?host=SOCKETDIR&user=certmint
  std::string Uri(const std::string& database) const;
  // Runs SQL through psql on `database`; its output (unaligned, tuples only).
  std::string Psql(const std::string& database, const std::string& sql) const;

  // Fast shutdown (SIGINT), then start again on the same data.
  bool Stop();
  bool StartAgain(std::string* why);

 private:
  PostgresServer() = default;
  bool Launch(std::string* why);
  std::string dir_;
  std::unique_ptr<BackgroundProcess> server_;
};

}  // namespace certmint::testing
