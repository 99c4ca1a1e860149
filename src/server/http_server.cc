#include "server/http_server.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <mutex>
#include <thread>

#include "core/ossl.h"
#include "server/http_listener.h"
#include "server/http_routes.h"

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
  // An idle connection keeps no TLS read or write buffers.
  SSL_CTX_set_mode(&ctx, SSL_MODE_RELEASE_BUFFERS);
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

}  // namespace

struct HttpServer::Impl {
  Impl(EnrollmentService* s, const ServerIdentity& id, std::shared_ptr<const ClientTrust> t,
       const ServerOptions& o)
      : identity(id), trust(std::move(t)), options(o), routes(s, options) {}

  ServerIdentity identity;
  std::shared_ptr<const ClientTrust> trust;
  ServerOptions options;
  Replaced replaced;  // before tls: its context points here
  HttpRoutes routes;
  boost::asio::ssl::context tls{boost::asio::ssl::context::tls_server};
  // Last: destroyed first, with the connections it still holds.
  std::unique_ptr<HttpListener> listener;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(EnrollmentService* service,
                                                     const ServerIdentity& identity,
                                                     const ServerOptions& options) {
  const auto ca = service->ca();
  CM_ASSIGN_OR_RETURN(auto trust, MakeClientTrust(ca->trust, ca->authority.Chain()));
  auto impl = std::make_unique<Impl>(service, identity, std::move(trust), options);
  SSL_CTX* ctx = impl->tls.native_handle();
  if (ctx == nullptr || !SetUpContext(*ctx, impl->identity, *impl->trust)) {
    ERR_clear_error();
    return MakeError(ErrorCode::kInternal, "the server's TLS context cannot be set up");
  }
  SSL_CTX_set_cert_cb(ctx, PresentLatest, &impl->replaced);
  CM_ASSIGN_OR_RETURN(impl->listener, HttpListener::Bind(impl->options, &impl->routes, &impl->tls));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->listener->port(); }

Status HttpServer::Run() { return impl_->listener->Run(); }

void HttpServer::Stop() { impl_->listener->Stop(); }

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
