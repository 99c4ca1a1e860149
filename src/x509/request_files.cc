#include "x509/request_files.h"

#include <fmt/format.h>

#include <optional>

#include "core/fs.h"
#include "core/random.h"
#include "keys/private_key.h"
#include "x509/csr.h"

namespace certmint {

RequestFiles RequestFilePaths(const std::string& out_dir, const std::string& name) {
  const std::string base = out_dir + "/" + name;
  return {out_dir, base + ".key", base + ".csr", out_dir + "/password"};
}

Status CheckRequestFilesAbsent(const RequestFiles& files) {
  for (const auto& p : {files.key, files.request}) {
    if (fs::Exists(p)) {
      return MakeError(ErrorCode::kAlreadyExists, fmt::format("{} already exists", p));
    }
  }
  return {};
}

Result<bool> WriteKeyAndRequest(const RequestFiles& files, const KeyRequest& request,
                                const SecretString* password) {
  CM_RETURN_IF_ERROR(CheckRequestFilesAbsent(files));
  std::optional<SecretString> generated;
  if (!password) {
    if (fs::Exists(files.password)) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("{} already exists; give --password-file", files.password));
    }
    CM_ASSIGN_OR_RETURN(auto random, RandomPassword());
    generated.emplace(std::move(random));
    password = &*generated;
  }
  CM_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(request.key_spec));
  CM_ASSIGN_OR_RETURN(auto csr, MakeCsrPem(key, request.subject, request.sans));
  CM_ASSIGN_OR_RETURN(auto key_pem,
                      key.ToEncryptedPkcs8Pem(*password, Pkcs8Encryption{kNodeKeyIterations}));
  CM_RETURN_IF_ERROR(fs::EnsureDir(files.dir));
  if (generated) {
    std::string line = std::string(generated->reveal()) + "\n";
    auto st = fs::WriteFileAtomic(files.password, line, fs::kPrivateFile);
    Cleanse(line);
    CM_RETURN_IF_ERROR(st);
  }
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(files.key, key_pem, fs::kPrivateFile));
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(files.request, csr, fs::kPublicFile));
  return generated.has_value();
}

}  // namespace certmint
