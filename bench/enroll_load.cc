// Load test of `certmint serve` on 127.0.0.1: N enrollments (one-time
// tokens, EC P-256 CSRs) and M mTLS renewals from C concurrent client
// processes. Enrollments are made by certmint's own client (each on a new
// verified TLS connection, as `certmint enroll` makes it), or with --lean by
// a minimal client that keeps one TLS context per process and does not
// parse the answer's certificates: a full handshake per request still, but
// less client CPU on the shared cores; --keep-alive (implies --lean) reuses
// one connection per client, as a provisioning proxy would. Renewals always
// use certmint's client. Reports throughput, p50/p99 latency, errors,
// duplicate serials and the server's CPU per request as JSON.
//
//   certmint_enroll_load CERTMINT_BINARY WORK_DIR [--enrollments N]
//       [--renewals M] [--clients C] [--threads T] [--lean] [--keep-alive]
//
// Bounded: N, M <= 20000; the server is stopped (SIGTERM) at the end and
// the inventory is checked for lost or duplicate rows.
#include <dirent.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ca/authority.h"
#include "enroll/client.h"
#include "enroll/protocol.h"
#include "enroll/token.h"
#include "inventory/inventory.h"
#include "x509/csr.h"

using namespace certmint;
using Clock = std::chrono::steady_clock;

namespace {

struct Server {
  pid_t pid = -1;
  int port = 0;
  std::string fingerprint;
};

Server StartServer(const std::string& binary, const std::string& dir, int threads,
                   const std::string& pw_file) {
  int out[2];
  if (pipe(out) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  Server s;
  s.pid = fork();
  if (s.pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    execl(binary.c_str(), binary.c_str(), "serve", "--dir", dir.c_str(), "--listen", "127.0.0.1:0",
          "--quiet", "--rate-limit", "0", "--threads", std::to_string(threads).c_str(),
          "--ca-password-file", pw_file.c_str(), nullptr);
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[512];
  while (fgets(line, sizeof(line), f) != nullptr) {
    std::string l(line);
    if (auto p = l.find("https://127.0.0.1:"); p != std::string::npos) {
      s.port = std::stoi(l.substr(p + 18));
    }
    if (auto p = l.find("--ca-fingerprint): "); p != std::string::npos) {
      s.fingerprint = l.substr(p + 19, 95);
      break;
    }
  }
  if (s.port == 0) {
    std::cerr << "serve did not start\n";
    std::exit(1);
  }
  return s;
}

// CPU seconds the process has used (user + system), from /proc.
double CpuSeconds(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) {
    return 0;
  }
  char buf[2048];
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // Fields after the command name (which is in parentheses): state is 3rd,
  // utime the 14th, stime the 15th.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr) {
    return 0;
  }
  unsigned long utime = 0;
  unsigned long stime = 0;
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) !=
      2) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU seconds of every process named "postgres" (the server and its
// backends), for the PostgreSQL runs; 0 without any.
double PostgresCpuSeconds() {
  double total = 0;
  DIR* d = opendir("/proc");
  if (d == nullptr) {
    return 0;
  }
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') {
      continue;
    }
    FILE* f = std::fopen((std::string("/proc/") + e->d_name + "/comm").c_str(), "r");
    if (f == nullptr) {
      continue;
    }
    char comm[64] = {0};
    const bool is_pg =
        std::fgets(comm, sizeof(comm), f) != nullptr && std::strncmp(comm, "postgres", 8) == 0;
    std::fclose(f);
    if (is_pg) {
      total += CpuSeconds(static_cast<pid_t>(std::atoi(e->d_name)));
    }
  }
  closedir(d);
  return total;
}

struct Phase {
  std::string name;
  size_t ok = 0;
  size_t errors = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
  std::vector<std::string> serials;
  std::string first_error;
  double server_cpu_seconds = 0;
  double database_cpu_seconds = 0;  // of server_cpu_seconds: the postgres processes'

  nlohmann::json Json() const {
    std::vector<double> l = latencies_ms;
    std::sort(l.begin(), l.end());
    auto pct = [&](double p) {
      return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))];
    };
    return {
        {"requests", ok + errors},
        {"ok", ok},
        {"errors", errors},
        {"seconds", seconds},
        {"per_second", ok / seconds},
        {"p50_ms", pct(0.50)},
        {"p99_ms", pct(0.99)},
        {"first_error", first_error},
        {"server_cpu_ms_per_request",
         ok + errors == 0 ? 0.0 : 1000.0 * server_cpu_seconds / static_cast<double>(ok + errors)},
        {"database_cpu_ms_per_request",
         ok + errors == 0 ? 0.0
                          : 1000.0 * database_cpu_seconds / static_cast<double>(ok + errors)}};
  }
};

// Runs `count` requests from `clients` processes (not threads: OpenSSL 3.0's
// global locks would make a threaded load generator measure itself).
// Child c prepares with `prepare(c)`, waits for the start, then handles
// i = c, c + clients, ...; `one(i)` returns the serial or an error. Results
// come back over a pipe, one line per request.
template <typename P, typename F>
Phase Run(const std::string& name, size_t count, int clients, P prepare, F one) {
  Phase p;
  p.name = name;
  std::vector<int> result_fds;
  std::vector<int> go_fds;
  std::vector<pid_t> pids;
  for (int c = 0; c < clients; ++c) {
    int res[2];
    int go[2];
    if (pipe(res) != 0 || pipe(go) != 0) {
      std::perror("pipe");
      std::exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
      close(res[0]);
      close(go[1]);
      prepare(c);
      char b = 0;
      if (write(res[1], "R", 1) != 1 || read(go[0], &b, 1) != 1) {
        _exit(1);
      }
      std::string out;
      for (size_t i = static_cast<size_t>(c); i < count; i += static_cast<size_t>(clients)) {
        const auto s = Clock::now();
        Result<std::string> r = one(i);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - s).count();
        std::string msg = r ? *r : r.error().message();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        out += (r ? "OK " : "ER ") + std::to_string(ms) + " " + msg + "\n";
      }
      for (size_t off = 0; off < out.size();) {
        ssize_t w = write(res[1], out.data() + off, out.size() - off);
        if (w <= 0) {
          _exit(1);
        }
        off += static_cast<size_t>(w);
      }
      _exit(0);
    }
    close(res[1]);
    close(go[0]);
    result_fds.push_back(res[0]);
    go_fds.push_back(go[1]);
    pids.push_back(pid);
  }
  for (int fd : result_fds) {
    char b = 0;
    if (read(fd, &b, 1) != 1) {
      std::cerr << "a client failed to start\n";
      std::exit(1);
    }
  }
  const auto t0 = Clock::now();
  for (int fd : go_fds) {
    if (write(fd, "G", 1) != 1) {
      std::exit(1);
    }
    close(fd);
  }
  std::vector<std::string> outputs(result_fds.size());
  for (size_t k = 0; k < result_fds.size(); ++k) {
    char buf[65536];
    ssize_t r;
    while ((r = read(result_fds[k], buf, sizeof(buf))) > 0) {
      outputs[k].append(buf, static_cast<size_t>(r));
    }
    close(result_fds[k]);
  }
  for (pid_t pid : pids) {
    int st = 0;
    waitpid(pid, &st, 0);
  }
  p.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (const auto& o : outputs) {
    size_t start = 0;
    for (size_t nl; (nl = o.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string line = o.substr(start, nl - start);
      const size_t sp = line.find(' ', 3);
      p.latencies_ms.push_back(std::stod(line.substr(3, sp - 3)));
      const std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
      if (line.rfind("OK ", 0) == 0) {
        ++p.ok;
        p.serials.push_back(rest);
      } else {
        ++p.errors;
        if (p.first_error.empty()) {
          p.first_error = rest;
        }
      }
    }
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: certmint_enroll_load CERTMINT_BINARY WORK_DIR [--enrollments N] "
                 "[--renewals M] [--clients C] [--threads T] [--lean] [--keep-alive]\n";
    return 2;
  }
  const std::string binary = argv[1];
  const std::string work = argv[2];
  size_t n = 2000;
  size_t m = 1000;
  int clients = 8;
  int threads = 8;
  bool keep_alive = false;
  bool lean = false;
  size_t replicas = 1;      // --replicas: servers on the CA directory
  std::string inventory;    // --inventory: a PostgreSQL URI (else SQLite)
  long kill_after_ms = -1;  // --kill-after-ms: SIGKILL replica 0 then
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    auto val = [&] { return i + 1 < argc ? std::stoul(argv[++i]) : 0UL; };
    if (a == "--enrollments")
      n = val();
    else if (a == "--renewals")
      m = val();
    else if (a == "--clients")
      clients = static_cast<int>(val());
    else if (a == "--threads")
      threads = static_cast<int>(val());
    else if (a == "--keep-alive")
      keep_alive = lean = true;
    else if (a == "--lean")
      lean = true;
    else if (a == "--replicas")
      replicas = std::max<size_t>(1, std::min<size_t>(val(), 8));
    else if (a == "--inventory" && i + 1 < argc)
      inventory = argv[++i];
    else if (a == "--kill-after-ms")
      kill_after_ms = static_cast<long>(val());
  }
  n = std::min<size_t>(n, 20000);
  m = std::min<size_t>(m, n);
  signal(SIGPIPE, SIG_IGN);

  // The CA and the tokens (written by the library, as `token create` does).
  const std::string dir = work + "/pki";
  const std::string pw_file = work + "/ca.pass";
  {
    FILE* f = std::fopen(pw_file.c_str(), "w");
    std::fputs("load-test-ca-password\n", f);
    std::fclose(f);
  }
  CaInitOptions co;
  co.subject = DistinguishedName::CommonName("Load CA").value();
  auto ca = CertificateAuthority::Init(dir, co, SecretString("load-test-ca-password"));
  if (!ca) {
    std::cerr << ca.error().message() << "\n";
    return 1;
  }
  if (!inventory.empty() && !SaveInventoryLocation(dir, inventory)) {
    return 1;
  }
  auto store = OpenInventory(dir).value();
  std::vector<std::string> tokens;
  const auto now = std::chrono::system_clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto t = MakeEnrollmentToken().value();
    TokenGrant g;
    g.name = "node-" + std::to_string(i);
    g.sans.AddDns(g.name + ".load.test");
    g.days = 90;
    g.expires_at = now + std::chrono::hours(1);
    if (!store->AddToken(HashEnrollmentToken(t.reveal()), g, now)) {
      return 1;
    }
    tokens.emplace_back(t.reveal());
  }
  // The nodes' keys and CSRs: made on the nodes, so outside the timing.
  const auto k0 = Clock::now();
  std::vector<PrivateKey> keys;
  std::vector<std::string> csrs;
  for (size_t i = 0; i < n; ++i) {
    keys.push_back(PrivateKey::Generate(DefaultKeySpec()).value());
    csrs.push_back(MakeCsrPem(keys.back(),
                              DistinguishedName::CommonName("node-" + std::to_string(i)).value(),
                              {})
                       .value());
  }
  const double keygen_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - k0).count() / static_cast<double>(n);

  std::vector<Server> servers;
  for (size_t r = 0; r < replicas; ++r) {
    servers.push_back(StartServer(binary, dir, threads, pw_file));
  }
  const Server& server = servers[0];
  // Client i starts at replica i % R and fails over to the others.
  std::vector<ServerUrl> urls;
  for (size_t r = 0; r < replicas; ++r) {
    ServerUrl u{"127.0.0.1", servers[r].port, {}};
    for (size_t k = 1; k < replicas; ++k) {
      u.replicas.push_back(ServerUrl{"127.0.0.1", servers[(r + k) % replicas].port, {}});
    }
    urls.push_back(u);
  }
  const ServerUrl url = urls[0];
  const auto server_cpu = [&] {
    double total = inventory.empty() ? 0 : PostgresCpuSeconds();
    for (const auto& sv : servers) {
      total += CpuSeconds(sv.pid);
    }
    return total;
  };
  const std::string pin = NormalizeFingerprint(server.fingerprint).value();
  auto anchor = FetchPinnedCa(url, pin).value();
  const std::vector<Certificate> anchors{anchor};
  const std::string anchor_file = work + "/anchor.pem";
  {
    FILE* f = std::fopen(anchor_file.c_str(), "w");
    const std::string pem = anchor.ToPem();
    std::fwrite(pem.data(), 1, pem.size(), f);
    std::fclose(f);
  }

  // Certificates go from the enrolling processes to the renewing ones
  // through files (read before the renewal phase's clock starts).
  const std::string certs = work + "/issued";
  mkdir(certs.c_str(), 0700);
  std::unique_ptr<httplib::SSLClient> conn;  // --lean: one per client process
  const auto db_cpu = [&] { return inventory.empty() ? 0.0 : PostgresCpuSeconds(); };
  double cpu0 = server_cpu();
  double db0 = db_cpu();
  std::thread killer;
  if (kill_after_ms >= 0) {
    killer = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
      kill(servers[0].pid, SIGKILL);
    });
  }
  Phase enroll = Run(
      "enroll", n, clients,
      [&](int) {
        if (lean) {
          conn = std::make_unique<httplib::SSLClient>("127.0.0.1", server.port);
          conn->set_ca_cert_path(anchor_file.c_str());
          conn->enable_server_certificate_verification(true);
          conn->set_keep_alive(keep_alive);
          conn->set_tcp_nodelay(true);
        }
      },
      [&](size_t i) -> Result<std::string> {
        const std::string name = "node-" + std::to_string(i);
        std::string pem;
        std::string serial;
        if (lean) {
          // A lean client: the answer's serial and PEM, not parsed further
          // (every certificate is checked against the inventory at the end).
          std::string body = EnrollRequestJson(SecretString(tokens[i]), name, csrs[i]);
          auto res = conn->Post("/v1/enroll", body, "application/json");
          if (!res || res->status != 200) {
            return MakeError(ErrorCode::kIo,
                             res ? DescribeErrorBody(res->body) : httplib::to_string(res.error()));
          }
          auto j = nlohmann::json::parse(res->body, nullptr, false);
          if (j.is_discarded() || !j.contains("serial") || !j.contains("certificate")) {
            return MakeError(ErrorCode::kInvalidData, "not a certificate answer");
          }
          serial = j["serial"].get<std::string>();
          pem = j["certificate"].get<std::string>();
        } else {
          CM_ASSIGN_OR_RETURN(auto r, EnrollWithServer(urls[i % replicas], anchors,
                                                       SecretString(tokens[i]), name, csrs[i]));
          serial = r.certificate.SerialHex();
          pem = r.certificate.ToPem();
        }
        const std::string path = certs + "/" + std::to_string(i) + ".pem";
        FILE* f = std::fopen(path.c_str(), "w");
        std::fwrite(pem.data(), 1, pem.size(), f);
        std::fclose(f);
        return serial;
      });
  enroll.server_cpu_seconds = server_cpu() - cpu0;
  enroll.database_cpu_seconds = db_cpu() - db0;
  if (killer.joinable()) {
    killer.join();
  }
  std::vector<std::optional<Certificate>> issued(n);
  cpu0 = server_cpu();
  db0 = db_cpu();
  Phase renew = Run(
      "renew", m, clients,
      [&](int c) {
        for (size_t i = static_cast<size_t>(c); i < m; i += static_cast<size_t>(clients)) {
          FILE* f = std::fopen((certs + "/" + std::to_string(i) + ".pem").c_str(), "r");
          if (f == nullptr) {
            continue;
          }
          std::string pem(8192, '\0');
          pem.resize(std::fread(pem.data(), 1, pem.size(), f));
          std::fclose(f);
          auto cert = Certificate::FromPem(pem);
          if (cert) {
            issued[i] = std::move(*cert);
          }
        }
      },
      [&](size_t i) -> Result<std::string> {
        if (!issued[i]) {
          return MakeError(ErrorCode::kIo, "not enrolled");
        }
        CM_ASSIGN_OR_RETURN(
            auto r, RenewWithServer(urls[i % replicas], anchors, *issued[i], keys[i], csrs[i]));
        return r.certificate.SerialHex();
      });

  renew.server_cpu_seconds = server_cpu() - cpu0;
  renew.database_cpu_seconds = db_cpu() - db0;
  int status = 0;
  for (size_t r = 0; r < replicas; ++r) {
    kill(servers[r].pid, SIGTERM);
    int st = 0;
    waitpid(servers[r].pid, &st, 0);
    if (r == (kill_after_ms >= 0 ? 1 : 0)) {
      status = st;
    }
  }

  std::set<std::string> serials(enroll.serials.begin(), enroll.serials.end());
  serials.insert(renew.serials.begin(), renew.serials.end());
  const size_t returned = enroll.serials.size() + renew.serials.size();
  auto rows = OpenInventory(dir).value()->List({}, std::chrono::system_clock::now()).value();
  std::set<std::string> recorded;
  for (const auto& r : rows) {
    if (r.name.rfind("node-", 0) == 0) {
      recorded.insert(r.serial);
    }
  }
  size_t lost = 0;
  for (const auto& s : serials) {
    lost += recorded.count(s) == 0;
  }
  nlohmann::json out{{"enrollments", enroll.Json()},
                     {"renewals", renew.Json()},
                     {"clients", clients},
                     {"server_threads", threads},
                     {"replicas", replicas},
                     {"inventory", inventory.empty() ? "sqlite" : "postgresql"},
                     {"replica_killed", kill_after_ms >= 0},
                     {"keep_alive", keep_alive},
                     {"lean_client", lean},
                     {"node_keygen_and_csr_ms", keygen_ms},
                     {"duplicate_serials", returned - serials.size()},
                     {"inventory_rows", recorded.size()},
                     {"lost_rows", lost},
                     {"server_exit", WIFEXITED(status) ? WEXITSTATUS(status) : -1}};
  std::cout << out.dump(2) << "\n";
  const bool clean = enroll.errors == 0 && renew.errors == 0 && returned == serials.size() &&
                     lost == 0 && recorded.size() == serials.size();
  return clean ? 0 : 1;
}
