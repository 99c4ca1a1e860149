#include "verify/crl_files.h"

#include "core/fs.h"

namespace certmint {

Result<std::vector<Crl>> LoadCrlFiles(const std::vector<std::string>& files) {
  std::vector<Crl> out;
  for (const auto& f : files) {
    CM_ASSIGN_OR_RETURN(auto data, WithContext(fs::ReadFile(f), "--crl"));
    CM_ASSIGN_OR_RETURN(auto crl, WithContext(Crl::Parse(data), "--crl " + f));
    out.push_back(std::move(crl));
  }
  return out;
}

}  // namespace certmint
