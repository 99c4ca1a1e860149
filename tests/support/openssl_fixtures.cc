#include "support/openssl_fixtures.h"

#include <stdexcept>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace certmint::testing {

OpensslEcRequest MakeOpensslEcRequest(bool explicit_parameters, const std::string& cn) {
  TempDir dir;
  std::vector<std::string> gen{"openssl", "ecparam", "-name", "prime256v1"};
  if (explicit_parameters) {
    gen.insert(gen.end(), {"-param_enc", "explicit"});
  }
  gen.insert(gen.end(), {"-genkey", "-noout", "-out", dir / "key.pem"});
  auto key = RunProcess(gen);
  auto req = RunProcess({"openssl", "req", "-new", "-key", dir / "key.pem", "-subj", "/CN=" + cn,
                         "-out", dir / "req.csr"});
  if (key.exit_code != 0 || req.exit_code != 0) {
    throw std::runtime_error("openssl failed: " + key.err + req.err);
  }
  return {ReadTextFile(dir / "key.pem"), ReadTextFile(dir / "req.csr")};
}

}  // namespace certmint::testing
