// libFuzzer target: the CA service's request bodies, through the whole of
// EnrollmentService (a real CA and a real SQLite inventory in a scratch
// directory, on /dev/shm when there is one).
//
// Input: the first byte picks the endpoint (even: POST /v1/enroll, odd:
// POST /v1/renew); the rest is the body. In enroll bodies the placeholder
// token (cmt_ and 64 zeros) is replaced by a token made for this input, bound
// to node-1, so the fuzzer reaches the CSR checks and the signing. Renewals
// come from a certificate of node-r made for this input and recorded valid.
#include <openssl/x509_vfy.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ca/authority.h"
#include "enroll/token.h"
#include "inventory/inventory.h"
#include "server/service.h"
#include "x509/issue.h"

namespace {

using namespace certmint;

struct World {
  std::optional<CertificateAuthority> ca;
  std::unique_ptr<Inventory> inventory;
  std::optional<EnrollmentService> service;
  PrivateKey peer_key = PrivateKey::Generate(DefaultKeySpec()).value();
};

World* world = nullptr;
std::string* scratch = nullptr;

void RemoveScratch() {
  std::error_code ec;
  std::filesystem::remove_all(*scratch, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string dir = std::string(base) + "/certmint-request-fuzz-XXXXXX";
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
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto now = std::chrono::system_clock::now();
  if ((data[0] & 1) == 0) {
    const std::string placeholder = "cmt_" + std::string(64, '0');
    auto token = MakeEnrollmentToken().value();
    TokenGrant g;
    g.name = "node-1";
    g.sans.AddDns("node-1.example");
    g.sans.AddIp("10.0.0.1");
    g.expires_at = now + std::chrono::hours(1);
    (void)world->inventory->AddToken(HashEnrollmentToken(token.reveal()), g, now);
    for (size_t at; (at = body.find(placeholder)) != std::string::npos;) {
      body.replace(at, placeholder.size(), token.reveal());
    }
    (void)world->service->Enroll(body, now);
  } else {
    LeafProfile p;
    p.subject = DistinguishedName::CommonName("node-r").value();
    p.sans.AddDns("node-r.example");
    auto peer =
        SignLeaf(world->ca->certificate(), world->ca->signer(), world->peer_key.native(), p);
    if (!peer) {
      std::abort();
    }
    (void)world->inventory->RecordIssued("node-r", *peer, world->ca->certificate(), now);
    (void)world->inventory->Activate("node-r", peer->SerialHex());
    (void)world->service->Renew(body, PeerCertificate{*peer, X509_V_OK}, now);
  }
  return 0;
}
