// libFuzzer target: what a client sends on one connection to the CA
// service's HTTPS front (the bytes inside TLS), read as the front reads them
// (server/http_connection.h: Beast's request parser with the service's
// limits, then the refusals a head earns) and each complete request answered
// by the routes through a real EnrollmentService (a real CA and a SQLite
// inventory in a scratch directory, on /dev/shm when there is one). Up to 8
// pipelined requests an input; the rate limit is off so that every request
// reaches its route.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ca/authority.h"
#include "inventory/inventory.h"
#include "server/http_connection.h"
#include "server/http_routes.h"
#include "server/service.h"

namespace {

using namespace certmint;

struct World {
  std::optional<CertificateAuthority> ca;
  std::unique_ptr<Inventory> inventory;
  std::optional<EnrollmentService> service;
  ServerOptions options;
  std::optional<HttpRoutes> routes;
};

World* world = nullptr;
std::string* scratch = nullptr;

void RemoveScratch() {
  std::error_code ec;
  std::filesystem::remove_all(*scratch, ec);
}

// Reads one request from the front of `rest` as a connection would; false
// when the connection would close (an error, a refusal, the end of input, or
// no keep-alive).
bool OneRequest(std::string_view& rest) {
  RequestParser parser;
  LimitParser(parser, world->options);
  parser.eager(true);
  boost::system::error_code ec;
  while (!rest.empty() && !parser.is_done()) {
    const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec || used == 0) {
      break;
    }
  }
  if (!parser.is_done() && (!ec || ec == boost::beast::http::error::need_more)) {
    ec = {};
    parser.put_eof(ec);  // the client closed its side
  }
  if (ec) {
    const int refusal = RefusalForReadError(ec);
    if (refusal != 0 && refusal != 400 && refusal != 413 && refusal != 431) {
      std::abort();
    }
    return false;
  }
  if (!parser.is_done() || RefusalForHead(parser, world->options) != 0) {
    return false;
  }
  const bool keep_alive = parser.keep_alive();
  const HttpResponse response =
      world->routes->Answer(ToHttpRequest(parser, "127.0.0.1", [] { return PeerCertificate{}; }));
  if (response.status < 200 || response.status > 599 || response.content_type.empty()) {
    std::abort();
  }
  return keep_alive;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string dir = std::string(base) + "/certmint-http-fuzz-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    std::abort();
  }
  scratch = new std::string(dir);
  std::atexit(RemoveScratch);
  world = new World;
  CaInitOptions o;
  o.subject = DistinguishedName::CommonName("Fuzz CA").value();
  o.kdf_iterations = 1000;
  world->ca.emplace(CertificateAuthority::Init(dir + "/pki", o, SecretString("fuzz-pass")).value());
  world->inventory = OpenInventory(dir + "/pki").value();
  world->service.emplace(ServiceCa{*world->ca, {}, std::nullopt}, world->inventory.get());
  world->options.rate_per_second = 0;
  world->routes.emplace(&*world->service, world->options);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 8 && !rest.empty() && OneRequest(rest); ++i) {
  }
  return 0;
}
