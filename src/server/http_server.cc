#include "server/http_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "enroll/protocol.h"
#include "server/rate_limiter.h"
#include "version.h"

namespace certmint {
namespace {

// Completes every handshake whatever the client certificate's fate, so that
// a renewal with an expired or foreign certificate gets a JSON answer that
// says why; the renew handler reads SSL_get_verify_result.
int AcceptAndRecord(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

// A certificate, key and chain ready for SSL_use_cert_and_key.
struct Presented {
  ServerIdentity identity;
  ossl::X509StackPtr chain;
};

// What client certificates are verified against: the anchors handed to
// nodes and the issuing CA's chain (so that a client sending only its own
// certificate still chains), and the names the server asks for.
struct ClientTrust {
  ossl::X509StorePtr store;
  ossl::X509NameStackPtr names;
};

// A value that handshakes read while another thread may replace it.
template <typename T>
class Slot {
 public:
  std::shared_ptr<const T> Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const T> p) {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = std::move(p);
  }

 private:
  std::mutex mu_;
  std::shared_ptr<const T> current_;
};

// What replaced the start-up certificate (HttpServer::SetIdentity) and
// trust (HttpServer::SetClientTrust); empty until then.
struct Replaced {
  Slot<Presented> presented;
  Slot<ClientTrust> trust;
};

Result<std::shared_ptr<const ClientTrust>> MakeClientTrust(
    const std::vector<Certificate>& trust, const std::vector<Certificate>& ca_chain) {
  auto out = std::make_shared<ClientTrust>();
  out->store.reset(X509_STORE_new());
  out->names.reset(sk_X509_NAME_new_null());
  if (!out->store || !out->names) {
    return MakeError(ErrorCode::kInternal, "out of memory");
  }
  for (const auto& c : trust) {
    ossl::X509NamePtr name(X509_NAME_dup(X509_get_subject_name(c.native())));
    if (!name || X509_STORE_add_cert(out->store.get(), c.native()) != 1 ||
        sk_X509_NAME_push(out->names.get(), name.get()) <= 0) {
      return MakeError(ErrorCode::kInternal, "the client trust store cannot be built");
    }
    name.release();  // the stack's now
  }
  for (const auto& c : ca_chain) {
    X509_STORE_add_cert(out->store.get(), c.native());
  }
  ERR_clear_error();  // duplicates in the store are not an error here
  return std::shared_ptr<const ClientTrust>(std::move(out));
}

// Called before the server picks its certificate, in every full handshake:
// the context's own (start-up) certificate and trust stay until replaced.
int PresentLatest(SSL* ssl, void* arg) {
  auto* replaced = static_cast<Replaced*>(arg);
  if (std::shared_ptr<const ClientTrust> trust = replaced->trust.Get()) {
    STACK_OF(X509_NAME)* names = SSL_dup_CA_list(trust->names.get());
    if (names == nullptr || SSL_set1_verify_cert_store(ssl, trust->store.get()) != 1) {
      sk_X509_NAME_pop_free(names, X509_NAME_free);
      return 0;
    }
    SSL_set_client_CA_list(ssl, names);  // takes `names`
  }
  std::shared_ptr<const Presented> latest = replaced->presented.Get();
  if (!latest) {
    return 1;
  }
  return SSL_use_cert_and_key(ssl, latest->identity.certificate.native(),
                              latest->identity.key.native(), latest->chain.get(),
                              /*override=*/1) == 1
             ? 1
             : 0;
}

bool SetUpContext(SSL_CTX& ctx, const ServerIdentity& identity, const ClientTrust& trust) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(
      &ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate(&ctx, identity.certificate.native()) != 1 ||
      SSL_CTX_use_PrivateKey(&ctx, identity.key.native()) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return false;
  }
  for (const auto& c : identity.chain) {
    if (SSL_CTX_add1_chain_cert(&ctx, c.native()) != 1) {
      return false;
    }
  }
  STACK_OF(X509_NAME)* names = SSL_dup_CA_list(trust.names.get());
  if (names == nullptr) {
    return false;
  }
  SSL_CTX_set1_cert_store(&ctx, trust.store.get());
  SSL_CTX_set_client_CA_list(&ctx, names);  // takes `names`
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, AcceptAndRecord);
  // A renewal proves possession of the current certificate's key; the
  // certificate need not be for client authentication (a role=server
  // identity renews too).
  SSL_CTX_set_purpose(&ctx, X509_PURPOSE_ANY);
  static const unsigned char kSessionContext[] = "certmint-serve";
  SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof(kSessionContext) - 1);
  return true;
}

PeerCertificate PeerOf(const SSL* ssl) {
  PeerCertificate peer;
  if (ssl == nullptr) {
    return peer;
  }
  if (X509* x = SSL_get1_peer_certificate(ssl)) {
    peer.certificate = Certificate::Adopt(ossl::X509Ptr(x));
  }
  peer.verify_result = SSL_get_verify_result(ssl);
  return peer;
}

thread_local std::string t_log_name;

void Send(httplib::Response& res, int status, const std::string& body, const char* content_type,
          const std::string& log_name = "") {
  res.status = status;
  res.set_content(body, content_type);
  res.set_header("Cache-Control", "no-store");
  t_log_name = log_name;
}

// The HTTP status of each refusal (RFC 9110 §15): 400 for what is malformed,
// 401 for a missing or unusable credential, 403 for what the credential does
// not allow, 409 for a lost race, 503 for what may work later.
int HttpStatus(ProtocolError error) {
  switch (error) {
    case ProtocolError::kBadRequest:
    case ProtocolError::kBadCsr:
    case ProtocolError::kBadCsrSignature:
    case ProtocolError::kWeakKey:
      return 400;
    case ProtocolError::kInvalidToken:
    case ProtocolError::kTokenUsed:
    case ProtocolError::kTokenExpired:
    case ProtocolError::kTokenRevoked:
    case ProtocolError::kClientCertificateRequired:
      return 401;
    case ProtocolError::kNameNotAllowed:
    case ProtocolError::kNamesNotAllowed:
    case ProtocolError::kCaNotAllowed:
    case ProtocolError::kCertificateRejected:
    case ProtocolError::kUnknownCertificate:
    case ProtocolError::kCertificateRevoked:
    case ProtocolError::kCertificateSuperseded:
      return 403;
    case ProtocolError::kSupersededMeanwhile:
      return 409;
    case ProtocolError::kInventoryUnavailable:
    case ProtocolError::kCaUnavailable:
      return 503;
  }
  return 500;
}

void SendError(httplib::Response& res, int status, std::string_view code,
               std::string_view message) {
  Send(res, status, ErrorJson(code, message), "application/json");
}

void SendRefusal(httplib::Response& res, const ServiceError& e) {
  Send(res, HttpStatus(e.error), ErrorJson(ProtocolErrorCode(e.error), e.message),
       "application/json", e.name);
}

void SendIssued(httplib::Response& res, const ServiceResult<IssuedChain>& r) {
  if (!r) {
    SendRefusal(res, r.error());
    return;
  }
  Send(res, 200, IssuedChainJson(*r), "application/json", r->name);
}

std::string HealthJson(const HealthReport& h) {
  const Certificate& c = h.ca;
  nlohmann::json j{{"status", h.ca_valid ? "ok" : "ca_expired"},
                   {"version", kVersion},
                   {"ca",
                    {{"subject", c.Subject().ToString()},
                     {"not_after", FormatUtc(c.NotAfter())},
                     {"sha256_fingerprint", c.Sha256Fingerprint()}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

struct HttpServer::Impl {
  Impl(EnrollmentService* s, const ServerIdentity& id, std::shared_ptr<const ClientTrust> t,
       const ServerOptions& o)
      : service(s),
        identity(id),
        trust(std::move(t)),
        options(o),
        limiter(o.rate_per_second, o.burst),
        server([this](SSL_CTX& ctx) {
          if (!SetUpContext(ctx, identity, *trust)) {
            return false;
          }
          SSL_CTX_set_cert_cb(&ctx, PresentLatest, &replaced);
          return true;
        }) {}

  EnrollmentService* service;
  ServerIdentity identity;
  std::shared_ptr<const ClientTrust> trust;
  ServerOptions options;
  RateLimiter limiter;
  Replaced replaced;  // before server: its context points here
  httplib::SSLServer server;
  int port = 0;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

namespace {

// Threads, body size and timeouts.
void SetLimits(httplib::SSLServer& svr, const ServerOptions& options) {
  const size_t threads = static_cast<size_t>(std::max(1, options.threads));
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_keep_alive_max_count(100);
  svr.set_tcp_nodelay(true);  // answers go out at once, not after a delayed ACK
  svr.set_read_timeout(10, 0);
  svr.set_write_timeout(10, 0);
}

// Rate limits, errors httplib answers itself, exceptions and the access log.
void SetHandlers(HttpServer::Impl* p) {
  httplib::SSLServer& svr = p->server;
  svr.set_pre_routing_handler([p](const httplib::Request& req, httplib::Response& res) {
    t_log_name.clear();
    if (!p->limiter.Allow(req.remote_addr, RateLimiter::Clock::now())) {
      SendError(res, 429, "rate_limited", "too many requests from this address; retry later");
      res.set_header("Retry-After", std::to_string(p->limiter.RetryAfterSeconds()));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors httplib answers itself (unknown path, oversized body, malformed
  // request) get the same JSON shape as ours.
  svr.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& /*req*/, httplib::Response& res) {
        if (!res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        const int status = res.status;
        std::string code = status == 404   ? "not_found"
                           : status == 413 ? "body_too_large"
                           : status == 405 ? "method_not_allowed"
                                           : "bad_request";
        std::string message = status == 404   ? "no such endpoint (the API is under /v1/)"
                              : status == 413 ? "the request body is too large"
                                              : "the request is malformed";
        res.set_content(ErrorJson(code, message), "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }));
  svr.set_exception_handler([](const httplib::Request& /*req*/, httplib::Response& res,
                               std::exception_ptr /*e*/) {
    res.status = 500;
    res.set_content(ErrorJson("internal", "the request could not be handled"), "application/json");
  });
  if (p->options.log) {
    svr.set_logger([p](const httplib::Request& req, const httplib::Response& res) {
      nlohmann::json line{{"time", FormatUtc(p->options.clock())},
                          {"remote", req.remote_addr},
                          {"method", req.method},
                          {"path", PrintableField(req.path, 80)},
                          {"status", res.status}};
      if (!t_log_name.empty()) {
        line["name"] = t_log_name;
      }
      p->options.log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });
  }
}

// The API's routes onto the service.
void SetRoutes(HttpServer::Impl* p) {
  httplib::SSLServer& svr = p->server;
  // The POST endpoints take JSON (or an unlabelled body); anything else is
  // refused before it reaches the service.
  const auto post_json =
      [&svr](const char* path,
             std::function<void(const httplib::Request&, httplib::Response&)> handle) {
        svr.Post(path, [handle](const httplib::Request& req, httplib::Response& res) {
          const std::string type = req.get_header_value("Content-Type");
          if (!type.empty() && !IsJsonMediaType(type)) {
            SendError(res, 415, "unsupported_media_type", "send application/json");
            return;
          }
          handle(req, res);
        });
      };
  post_json("/v1/enroll", [p](const httplib::Request& req, httplib::Response& res) {
    SendIssued(res, p->service->Enroll(req.body, p->options.clock()));
  });
  post_json("/v1/renew", [p](const httplib::Request& req, httplib::Response& res) {
    SendIssued(res, p->service->Renew(req.body, PeerOf(req.ssl), p->options.clock()));
  });
  svr.Get("/v1/ca", [p](const httplib::Request&, httplib::Response& res) {
    const auto current = p->service->ca();
    Send(res, 200, CaBundleJson(current->trust, current->authority.Chain()), "application/json");
  });
  const auto crl = [p](bool pem) {
    return [p, pem](const httplib::Request&, httplib::Response& res) {
      auto r = p->service->Crl(p->options.clock());
      if (!r) {
        SendRefusal(res, r.error());
      } else if (pem) {
        Send(res, 200, r->pem, "application/x-pem-file");
      } else {
        Send(res, 200, r->der, "application/pkix-crl");
      }
    };
  };
  svr.Get("/v1/crl", crl(false));
  svr.Get("/v1/crl.pem", crl(true));
  svr.Get("/v1/health", [p](const httplib::Request&, httplib::Response& res) {
    const HealthReport h = p->service->Health(p->options.clock());
    Send(res, h.ca_valid ? 200 : 503, HealthJson(h), "application/json");
  });
}

Status Listen(HttpServer::Impl* impl, const ServerOptions& options) {
  httplib::SSLServer& svr = impl->server;
  if (options.port == 0) {
    impl->port = svr.bind_to_any_port(options.host);
    if (impl->port <= 0) {
      return MakeError(ErrorCode::kIo, fmt::format("cannot listen on {}", options.host));
    }
  } else {
    if (!svr.bind_to_port(options.host, options.port)) {
      return MakeError(ErrorCode::kIo, fmt::format("cannot listen on {}:{} (address in use, or "
                                                   "not an address of this machine)",
                                                   options.host, options.port));
    }
    impl->port = options.port;
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(EnrollmentService* service,
                                                     const ServerIdentity& identity,
                                                     const ServerOptions& options) {
  const auto ca = service->ca();
  CM_ASSIGN_OR_RETURN(auto trust, MakeClientTrust(ca->trust, ca->authority.Chain()));
  auto impl = std::make_unique<Impl>(service, identity, std::move(trust), options);
  if (!impl->server.is_valid()) {
    ERR_clear_error();
    return MakeError(ErrorCode::kInternal, "the server's TLS context cannot be set up");
  }
  SetLimits(impl->server, options);
  SetHandlers(impl.get());
  SetRoutes(impl.get());
  CM_RETURN_IF_ERROR(Listen(impl.get(), options));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

Status HttpServer::Run() {
  if (!impl_->server.listen_after_bind()) {
    return MakeError(ErrorCode::kIo, "the server stopped with an error");
  }
  return {};
}

void HttpServer::Stop() { impl_->server.stop(); }

Status HttpServer::SetIdentity(const ServerIdentity& identity) {
  if (!identity.certificate.MatchesKey(identity.key)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the server's new certificate is not for its key");
  }
  auto presented = std::make_shared<Presented>(Presented{identity, ossl::X509StackPtr()});
  presented->chain.reset(sk_X509_new_null());
  if (!presented->chain) {
    return MakeError(ErrorCode::kInternal, "out of memory");
  }
  for (const auto& c : identity.chain) {
    if (sk_X509_push(presented->chain.get(), c.native()) <= 0) {
      return MakeError(ErrorCode::kInternal, "out of memory");
    }
    X509_up_ref(c.native());  // the stack's reference, freed with it
  }
  impl_->replaced.presented.Set(std::move(presented));
  return {};
}

Status HttpServer::SetClientTrust(const std::vector<Certificate>& trust,
                                  const std::vector<Certificate>& ca_chain) {
  CM_ASSIGN_OR_RETURN(auto made, MakeClientTrust(trust, ca_chain));
  impl_->replaced.trust.Set(std::move(made));
  return {};
}

}  // namespace certmint
