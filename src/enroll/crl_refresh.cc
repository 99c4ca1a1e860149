#include "enroll/crl_refresh.h"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/fs.h"
#include "core/ossl.h"
#include "x509/issue.h"

namespace certmint {
namespace {

// The anchor that signed `crl`, or null.
const Certificate* SignerOf(const Crl& crl, const std::vector<Certificate>& anchors) {
  for (const auto& ca : anchors) {
    if (CrlSignedBy(crl, ca)) {
      return &ca;
    }
  }
  return nullptr;
}

}  // namespace

Result<CrlFileUpdate> UpdateCrlFile(std::string_view fetched,
                                    const std::vector<Certificate>& anchors,
                                    const std::string& path, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto crl, WithContext(Crl::Parse(fetched), "the fetched CRL"));
  CM_ASSIGN_OR_RETURN(auto facts, WithContext(CheckCrl(crl, anchors, now), "the fetched CRL"));
  CrlFileUpdate update{facts, false};
  if (auto old_bytes = fs::ReadFile(path, 64 * 1024 * 1024); old_bytes) {
    auto old = Crl::Parse(*old_bytes);
    const bool same_ca =
        old &&
        X509_NAME_cmp(X509_CRL_get_issuer(old->native()), X509_CRL_get_issuer(crl.native())) == 0 &&
        SignerOf(*old, anchors) != nullptr;
    ClearOpenSslErrors();
    if (same_ca) {
      if (auto old_number = CrlNumber(*old); old_number && *old_number > facts.number) {
        return MakeError(
            ErrorCode::kInvalidData,
            fmt::format(
                "{}: the CRL number went backwards (the file holds number {}, the fetched CRL has "
                "{}): a stale or replayed answer; the file is kept",
                path, *old_number, facts.number));
      } else if (old_number && *old_number == facts.number) {
        return update;  // already this CRL
      }
    }
  }
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl.native()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "encoding the CRL as PEM");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(path, std::string_view(data, len), fs::kPublicFile));
  update.replaced = true;
  return update;
}

Result<CrlFileUpdate> RefreshCrlFile(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                     const std::string& path, TimePoint now) {
  CM_ASSIGN_OR_RETURN(auto der, FetchCrl(url, anchors));
  return WithContext(UpdateCrlFile(der, anchors, path, now), url.ToString() + "/v1/crl");
}

Result<std::vector<Certificate>> LoadCrlAnchors(const std::string& path, std::string_view flag) {
  CM_ASSIGN_OR_RETURN(auto pem, WithContext(fs::ReadFile(path), std::string(flag)));
  auto certs = Certificate::ChainFromPem(pem);
  std::vector<Certificate> anchors;
  if (certs) {
    for (auto& c : *certs) {
      if (c.IsCa()) {
        anchors.push_back(std::move(c));
      }
    }
  }
  if (anchors.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("{}: {} holds no CA certificate (give the identity's ca.crt)", flag, path));
  }
  return anchors;
}

Result<CrlFileReport> FetchCrlFile(const std::string& server, const std::string& ca_file,
                                   const std::string& out, TimePoint now) {
  if (ca_file.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--server needs --ca-file: the CA certificate the CRL must be signed by "
                     "(an identity's ca.crt)");
  }
  CM_ASSIGN_OR_RETURN(auto url, ParseServerUrl(server));
  CM_ASSIGN_OR_RETURN(auto anchors, LoadCrlAnchors(ca_file, "--ca-file"));
  CM_ASSIGN_OR_RETURN(auto update, RefreshCrlFile(url, anchors, out, now));
  CrlFileReport report;
  report.out = out;
  report.replaced = update.replaced;
  report.number = update.crl.number;
  report.revoked = update.crl.revoked;
  report.next_update = update.crl.next_update;
  return report;  // next_update_days: the service's choice
}

Status CheckCrlFetchFlags(bool der, bool dry_run, bool ca_password_file, int days) {
  if (der || dry_run || ca_password_file || days != kDefaultCrlDays) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--server fetches the service's CRL: --der, --dry-run, --days and "
                     "--ca-password-file do not apply (librdkafka reads PEM)");
  }
  return {};
}

}  // namespace certmint
