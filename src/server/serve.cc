#include "server/serve.h"

#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "ca/issuer.h"
#include "identity/identity.h"
#include "server/admin_routes.h"
#include "server/certificate_keeper.h"
#include "server/http_listener.h"
#include "server/metrics.h"
#include "server/status_server.h"

namespace certmint {
namespace {

SubjectAltNames DefaultServiceSans(const std::string& listen_host) {
  SubjectAltNames sans;
  sans.AddDns("localhost");
  sans.AddIp("127.0.0.1");
  sans.AddIp("::1");
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) == 0 && ParseDnsName(host)) {
    sans.AddDns(*ParseDnsName(host));
  }
  if (auto ip = ParseIpAddress(listen_host);
      ip && listen_host != "0.0.0.0" && listen_host != "::") {
    sans.AddIp(*ip);
  }
  return sans;
}

// The log line of a reload that worked.
nlohmann::json CaReloadedLine(const ServiceCa& ca, bool changed, TimePoint now) {
  nlohmann::json trust = nlohmann::json::array();
  for (const auto& c : ca.trust) {
    trust.push_back(c.Sha256Fingerprint());
  }
  return {{"time", FormatUtc(now)},
          {"event", "ca_reloaded"},
          {"changed", changed},
          {"ca_subject", ca.authority.certificate().Subject().ToString()},
          {"ca_fingerprint", ca.authority.certificate().Sha256Fingerprint()},
          {"trust", trust},
          {"rotation", ca.cross.has_value()}};
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The running service's parts, wired together.
class Service {
 public:
  Service(const ServeConfig& config, std::unique_ptr<Inventory> inventory, ServiceCa ca)
      : config_(config),
        inventory_(std::move(inventory)),
        service_(std::move(ca), inventory_.get()),
        admin_(&service_, inventory_.get(), &metrics_, config.server.clock),
        admin_handler_(&admin_, &metrics_, config.server.clock, config.server.log) {}

  Result<ServerIdentity> IssueIdentity(const ServiceCa& ca, TimePoint now) {
    return WithContext(MakeServerIdentity(ca, inventory_.get(), config_.server.host, config_.sans,
                                          config_.tls_days, now),
                       "the service's TLS certificate");
  }

  Status Run(const sigset_t& signals) {
    CM_ASSIGN_OR_RETURN(auto identity, IssueIdentity(*service_.ca(), config_.server.clock()));
    ServerOptions options = config_.server;
    options.metrics = &metrics_;
    options.admin = &admin_;
    CM_ASSIGN_OR_RETURN(server_, HttpServer::Bind(&service_, identity, options));
    CM_RETURN_IF_ERROR(BindAdminListener());
    admin_.WarmMetrics();
    if (config_.status_listen) {
      CM_ASSIGN_OR_RETURN(
          status_, WithContext(StatusServer::Start(StatusOptions(), &service_, inventory_.get()),
                               "the status listener"));
    }
    if (config_.listening) {
      config_.listening(server_->port(), service_.ca()->trust.front().Sha256Fingerprint(),
                        identity);
    }
    if (status_) {
      if (config_.status_listening) {
        config_.status_listening(status_->port());
      }
      status_->Run();
    }
    std::thread admin_serving;
    if (admin_listener_) {
      if (config_.admin_listening) {
        config_.admin_listening(admin_listener_->port());
      }
      admin_serving = std::thread([this] { (void)admin_listener_->Run(); });
    }
    keeper_.emplace(
        identity.certificate, [this](TimePoint now) { return IssueIdentity(*service_.ca(), now); },
        config_.server.clock);
    std::thread renewer([this] { KeepCertificate(); });
    std::atomic<bool> stopping{false};
    std::thread watcher([&] {
      int sig = 0;
      while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
        ReloadAndLog();
      }
      stopping = true;
      server_->Stop();
    });
    Status st = server_->Run();
    if (!stopping) {
      kill(getpid(), SIGTERM);  // wake the watcher so that it can be joined
    }
    watcher.join();
    keeper_->Stop();
    renewer.join();
    if (status_) {
      status_->Stop();
    }
    if (admin_listener_) {
      admin_listener_->Stop();
      admin_serving.join();
    }
    return st;
  }

  // --admin-listen: bound before anything is announced, so that a taken
  // port fails the start.
  Status BindAdminListener() {
    if (!config_.admin_listen) {
      return {};
    }
    admin_options_ = config_.server;
    admin_options_.host = config_.admin_listen->first;
    admin_options_.port = config_.admin_listen->second;
    admin_options_.threads = 2;
    CM_ASSIGN_OR_RETURN(admin_listener_,
                        WithContext(HttpListener::Bind(admin_options_, &admin_handler_, nullptr),
                                    "the admin listener"));
    return {};
  }

  StatusServerOptions StatusOptions() const {
    StatusServerOptions o;
    o.server = config_.server;
    o.server.host = config_.status_listen->first;
    o.server.port = config_.status_listen->second;
    o.server.threads = config_.status_threads > 0
                           ? config_.status_threads
                           : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
    o.log = config_.log;
    o.quiet = config_.quiet;
    return o;
  }

 private:
  // Renews the service's certificate while it runs: nothing else can, its
  // key being in memory only.
  void KeepCertificate() {
    keeper_->Run([this](const ServerIdentity& renewed) { return server_->SetIdentity(renewed); },
                 [this](const ServerCertificateKeeper::Step& step, TimePoint now) {
                   nlohmann::json line{{"time", FormatUtc(now)}};
                   if (!step.error.has_value()) {
                     line["event"] = "server_certificate_not_renewed";
                     line["error"] = step.error.error().ToString();
                     line["retry_at"] = FormatUtc(step.next);
                     config_.log(line.dump());  // even with --quiet
                   } else if (!config_.quiet) {
                     line["event"] = "server_certificate_renewed";
                     line["serial"] = step.renewed->certificate.SerialHex();
                     line["not_after"] = FormatUtc(step.renewed->certificate.NotAfter());
                     line["renew_at"] = FormatUtc(step.next);
                     config_.log(line.dump());
                   }
                 });
  }

  // After `ca rotate` or `ca retire`: later requests are signed with the
  // directory's CA, handed its anchors and verified against them, and the
  // service's own certificate is replaced (by the keeper's thread, so that
  // it never races a renewal). A failed reload changes nothing.
  Result<nlohmann::json> Reload() {
    const auto current = service_.ca();
    CM_ASSIGN_OR_RETURN(auto loaded,
                        LoadServiceCa(config_.dir, config_.reload_password, current.get()));
    const bool changed = !SameServiceCa(loaded, *current);
    if (changed) {
      CM_RETURN_IF_ERROR(server_->SetClientTrust(loaded.trust, loaded.authority.Chain()));
      service_.Replace(loaded);
      keeper_->RenewNow();
      if (status_) {
        status_->CaChanged();
      }
    }
    return CaReloadedLine(loaded, changed, config_.server.clock());
  }

  void ReloadAndLog() {
    auto line = Reload();
    if (!line) {
      line = nlohmann::json{{"time", FormatUtc(config_.server.clock())},
                            {"event", "ca_reload_failed"},
                            {"error", line.error().ToString()}};
    }
    config_.log(Dump(*line));
  }

  const ServeConfig& config_;
  std::unique_ptr<Inventory> inventory_;
  EnrollmentService service_;
  ServiceMetrics metrics_;
  AdminRoutes admin_;
  AdminHandler admin_handler_;
  ServerOptions admin_options_;
  std::unique_ptr<HttpListener> admin_listener_;
  std::unique_ptr<HttpServer> server_;
  std::optional<ServerCertificateKeeper> keeper_;
  std::unique_ptr<StatusServer> status_;
};

}  // namespace

Result<ServerIdentity> MakeServerIdentity(const ServiceCa& ca, Inventory* inventory,
                                          const std::string& listen_host,
                                          const SubjectAltNames& sans, int days, TimePoint now) {
  IdentityRequest request;
  request.name = std::string(kServiceIdentityName);
  request.service_identity = true;
  request.sans = sans.empty() ? DefaultServiceSans(listen_host) : sans;
  request.role = Role::kServer;
  request.days = days;
  request.now = now;
  request.key_spec = DefaultKeySpec();
  CM_ASSIGN_OR_RETURN(auto identity, IssueIdentity(Issuer(ca.authority, inventory), request));
  return ServerIdentity{identity.certificate, identity.key,
                        ca.cross ? std::vector<Certificate>{*ca.cross} : identity.ca_chain};
}

namespace {

// The limits that have no flag (yet): set by library callers only.
Status ValidateConnectionLimits(const ServerOptions& o) {
  using std::chrono::milliseconds;
  if (o.max_header_bytes < 1024 || o.max_header_fields < 8) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the header limits: at least 1024 bytes and 8 fields");
  }
  if (o.max_connections < 1 || o.max_connections_per_address < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "the connection caps: at least 1");
  }
  for (const milliseconds t : {o.handshake_timeout, o.header_timeout, o.body_timeout,
                               o.write_timeout, o.idle_timeout, o.stop_grace}) {
    if (t <= milliseconds(0)) {
      return MakeError(ErrorCode::kInvalidArgument, "the server's deadlines must be positive");
    }
  }
  return {};
}

}  // namespace

Status ValidateServeConfig(const ServeConfig& config) {
  const ServerOptions& o = config.server;
  if (o.threads < 1 || o.threads > 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "--threads: 1 to 1024");
  }
  if (o.max_body_bytes < 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "--max-body: at least 1024 bytes");
  }
  if (o.rate_per_second < 0 || o.burst < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--rate-limit must be 0 (off) or more, --burst at least 1");
  }
  if (config.tls_days < 1 || config.tls_days > 397) {
    return MakeError(ErrorCode::kInvalidArgument, "--tls-days: 1 to 397");
  }
  if (config.admin_listen && !IsLoopbackHost(config.admin_listen->first)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--admin-listen: a loopback address (127.0.0.1, ::1 or localhost): it "
                     "serves the inventory without a certificate");
  }
  if (config.status_threads < 0 || config.status_threads > 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "--status-threads: 1 to 1024");
  }
  return ValidateConnectionLimits(o);
}

Status Serve(const ServeConfig& config) {
  CM_RETURN_IF_ERROR(ValidateServeConfig(config));
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(config.dir));
  CM_ASSIGN_OR_RETURN(auto ca, LoadServiceCa(config.dir, config.ca_password));
  // The inventory's "database lost" and "back" lines go with the others.
  if (config.log) {
    SetInventoryLog(config.log);
  }
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(config.dir));
  // SIGTERM and SIGINT (stop) and SIGHUP (reload the CA) are taken by one
  // thread; blocked before any other thread starts so that none of them
  // gets them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Service service(config, std::move(inventory), std::move(ca));
  return service.Run(signals);
}

}  // namespace certmint
