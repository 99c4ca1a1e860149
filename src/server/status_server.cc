#include "server/status_server.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "ca/issuer.h"
#include "ocsp/crl_publisher.h"
#include "ocsp/responder.h"
#include "ocsp/responder_key.h"
#include "server/certificate_keeper.h"
#include "server/http_listener.h"
#include "server/status_routes.h"

namespace certmint {

// An OCSP request is a few hundred bytes; a GET carries it in the head.
constexpr size_t kStatusMaxBody = 16 * 1024;

struct StatusServer::Impl {
  Impl(const StatusServerOptions& o, EnrollmentService* s, Inventory* inv)
      : options(o),
        service(s),
        inventory(inv),
        responder(inv),
        publisher(inv),
        routes(&responder, &publisher, options.server.clock, options.server.log) {
    options.server.max_body_bytes = std::min(options.server.max_body_bytes, kStatusMaxBody);
  }

  void Event(nlohmann::json line) const {
    options.log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  StatusServerOptions options;
  EnrollmentService* service;
  Inventory* inventory;
  OcspResponder responder;
  CrlPublisher publisher;
  StatusRoutes routes;
  std::optional<ServerCertificateKeeper> keeper;
  std::unique_ptr<HttpListener> listener;  // after what its connections use
  std::thread serving;
  std::thread keeping;
  std::thread polling;
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;
};

namespace {

// A responder certificate from the service's current CA, in the keeper's
// terms: the CA goes in `chain`.
Result<ServerIdentity> IssueResponder(StatusServer::Impl* p, TimePoint now) {
  const auto ca = p->service->ca();
  CM_ASSIGN_OR_RETURN(auto key, IssueResponderKey(Issuer(ca->authority, p->inventory), now));
  return ServerIdentity{key.certificate, key.key, {key.ca}};
}

Status Install(StatusServer::Impl* p, const ServerIdentity& id) {
  return p->responder.SetKey(ResponderKey{id.chain.front(), id.certificate, id.key});
}

void KeepResponder(StatusServer::Impl* p) {
  p->keeper->Run([p](const ServerIdentity& renewed) { return Install(p, renewed); },
                 [p](const ServerCertificateKeeper::Step& step, TimePoint now) {
                   nlohmann::json line{{"time", FormatUtc(now)}};
                   if (!step.error.has_value()) {
                     line["event"] = "ocsp_responder_not_renewed";
                     line["error"] = step.error.error().ToString();
                     line["retry_at"] = FormatUtc(step.next);
                     p->Event(line);
                   } else if (!p->options.quiet) {
                     line["event"] = "ocsp_responder_renewed";
                     line["serial"] = step.renewed->certificate.SerialHex();
                     line["not_after"] = FormatUtc(step.renewed->certificate.NotAfter());
                     p->Event(line);
                   }
                 });
}

// Refreshes the CRL every kCrlPollInterval until stopped; a failure is
// logged once, until a refresh works again.
void PollCrl(StatusServer::Impl* p) {
  bool failing = false;
  std::unique_lock<std::mutex> lock(p->mu);
  while (!p->wake.wait_for(lock, kCrlPollInterval, [p] { return p->stopping; })) {
    lock.unlock();
    const TimePoint now = p->options.server.clock();
    auto refreshed = p->publisher.Refresh(p->service->ca()->authority, now);
    nlohmann::json line{{"time", FormatUtc(now)}};
    if (!refreshed && !failing) {
      line["event"] = "crl_not_signed";
      line["error"] = refreshed.error().ToString();
      p->Event(line);
    } else if (refreshed && *refreshed && !p->options.quiet) {
      line["event"] = "crl_signed";
      p->Event(line);
    }
    failing = !refreshed;
    lock.lock();
  }
}

}  // namespace

StatusServer::StatusServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StatusServer::~StatusServer() { Stop(); }

Result<std::unique_ptr<StatusServer>> StatusServer::Start(const StatusServerOptions& options,
                                                          EnrollmentService* service,
                                                          Inventory* inventory) {
  auto impl = std::make_unique<Impl>(options, service, inventory);
  Impl* p = impl.get();
  const TimePoint now = options.server.clock();
  CM_ASSIGN_OR_RETURN(auto responder, IssueResponder(p, now));
  CM_RETURN_IF_ERROR(Install(p, responder));
  p->keeper.emplace(
      responder.certificate, [p](TimePoint t) { return IssueResponder(p, t); },
      options.server.clock);
  CM_RETURN_IF_ERROR(p->publisher.Refresh(service->ca()->authority, now));
  CM_ASSIGN_OR_RETURN(p->listener, HttpListener::Bind(p->options.server, &p->routes, nullptr));
  return std::unique_ptr<StatusServer>(new StatusServer(std::move(impl)));
}

int StatusServer::port() const { return impl_->listener->port(); }

void StatusServer::Run() {
  Impl* p = impl_.get();
  p->serving = std::thread([p] { (void)p->listener->Run(); });
  p->keeping = std::thread([p] { KeepResponder(p); });
  p->polling = std::thread([p] { PollCrl(p); });
}

void StatusServer::Stop() {
  Impl* p = impl_.get();
  p->listener->Stop();
  p->keeper->Stop();
  {
    std::lock_guard<std::mutex> lock(p->mu);
    p->stopping = true;
  }
  p->wake.notify_all();
  for (std::thread* t : {&p->serving, &p->keeping, &p->polling}) {
    if (t->joinable()) {
      t->join();
    }
  }
}

void StatusServer::CaChanged() { impl_->keeper->RenewNow(); }

}  // namespace certmint
