#include "support/postgres_server.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "core/fs.h"

namespace certmint::testing {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin";
constexpr uid_t kNobody = 65534;

// argv run as nobody when we are root (PostgreSQL refuses root).
std::vector<std::string> AsServerUser(std::vector<std::string> argv) {
  if (geteuid() != 0) {
    return argv;
  }
  std::vector<std::string> out{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace

std::unique_ptr<PostgresServer> PostgresServer::Start(std::string* why) {
  if (!fs::Exists(std::string(kBin) + "/initdb")) {
    *why = fmt::format("{}/initdb not found (Debian package postgresql)", kBin);
    return nullptr;
  }
  std::unique_ptr<PostgresServer> pg(new PostgresServer());
  std::string tmpl = "/tmp/certmint-pg-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    *why = "mkdtemp failed";
    return nullptr;
  }
  pg->dir_ = tmpl;
  ::chmod(pg->dir_.c_str(), 0755);
  if (geteuid() == 0 && ::chown(pg->dir_.c_str(), kNobody, kNobody) != 0) {
    *why = "chown to nobody failed";
    return nullptr;
  }
  auto init = RunProcess(
      AsServerUser({std::string(kBin) + "/initdb", "-D", pg->dir_ + "/data", "-U", "certmint", "-A",
                    "trust", "--no-sync", "-E", "UTF8", "--locale=C"}));
  if (init.exit_code != 0) {
    *why = "initdb failed: " + init.err;
    return nullptr;
  }
  if (!pg->Launch(why)) {
    return nullptr;
  }
  return pg;
}

bool PostgresServer::Launch(std::string* why) {
  server_ = std::make_unique<BackgroundProcess>(
      AsServerUser({std::string(kBin) + "/postgres", "-D", dir_ + "/data", "-k", dir_, "-c",
                    "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                    "full_page_writes=off", "-c", "max_connections=200"}));
  if (server_->WaitForLine("ready to accept connections", 30000).empty()) {
    *why = "postgres did not start: " + server_->output();
    return false;
  }
  return true;
}

PostgresServer::~PostgresServer() {
  if (server_) {
    server_->Stop(SIGINT);
  }
  if (!dir_.empty()) {
    fs::RemoveAll(dir_);
  }
}

std::string PostgresServer::Uri(const std::string& database) const {
  return fmt::format("postgresql:///{}?host={}&user=certmint", database, dir_);
}

std::string PostgresServer::Psql(const std::string& database, const std::string& sql) const {
  auto r = RunProcess({"psql", "-XAtq", "-v", "ON_ERROR_STOP=1", Uri(database), "-c", sql});
  return r.exit_code == 0 ? r.out : "psql failed: " + r.err;
}

std::string PostgresServer::CreateDatabase(const std::string& name) {
  (void)Psql("postgres", "CREATE DATABASE " + name);
  return Uri(name);
}

bool PostgresServer::Stop() {
  const int rc = server_->Stop(SIGINT);
  server_.reset();
  return rc != -1;
}

bool PostgresServer::StartAgain(std::string* why) { return Launch(why); }

}  // namespace certmint::testing
