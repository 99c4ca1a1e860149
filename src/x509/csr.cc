#include "x509/csr.h"

#include <fmt/format.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "core/encoding.h"

namespace certmint {
namespace {

using ExtStackPtr =
    std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<[](STACK_OF(X509_EXTENSION) * s) {
                      sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
                    }>>;

}  // namespace

Result<std::string> MakeCsrPem(const PrivateKey& key, const DistinguishedName& subject,
                               const SubjectAltNames& sans) {
  ossl::X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_subject_name(req.get(), subject.native()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.native()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "building the request failed");
  }
  if (!sans.empty()) {
    ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
    for (const auto& d : sans.dns) {
      ossl::GeneralNamePtr gn(GENERAL_NAME_new());
      ossl::Asn1IA5StringPtr s(ASN1_IA5STRING_new());
      ASN1_STRING_set(s.get(), d.data(), static_cast<int>(d.size()));
      GENERAL_NAME_set0_value(gn.get(), GEN_DNS, s.release());
      sk_GENERAL_NAME_push(names.get(), gn.release());
    }
    for (const auto& ip : sans.ips) {
      ossl::Asn1OctetStringPtr os(a2i_IPADDRESS(ip.c_str()));
      if (!os) {
        return OpenSslError(ErrorCode::kInvalidArgument, fmt::format("bad IP '{}'", ip));
      }
      ossl::GeneralNamePtr gn(GENERAL_NAME_new());
      GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, os.release());
      sk_GENERAL_NAME_push(names.get(), gn.release());
    }
    ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    ossl::X509ExtensionPtr ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    if (!ext || sk_X509_EXTENSION_push(exts.get(), ext.get()) == 0) {
      return OpenSslError(ErrorCode::kInternal, "encoding subjectAltName failed");
    }
    ext.release();
    if (X509_REQ_add_extensions(req.get(), exts.get()) != 1) {
      return OpenSslError(ErrorCode::kInternal, "adding the requested extensions failed");
    }
  }
  const KeyDescription d = key.Describe();
  const EVP_MD* md = d.algorithm == "Ed25519" ? nullptr : EVP_sha256();
  if (X509_REQ_sign(req.get(), key.native(), md) <= 0) {
    return OpenSslError(ErrorCode::kInternal, "signing the request failed");
  }
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(out.get(), req.get());
  return ossl::MemBioContents(out.get());
}

Result<CertificateRequest> CertificateRequest::Parse(std::string_view data) {
  if (data.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidData, "request too large");
  }
  ossl::X509ReqPtr req;
  if (data.find("-----BEGIN") != std::string_view::npos) {
    auto bio = ossl::ReadOnlyMemBio(data.data(), data.size());
    req.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    req.reset(d2i_X509_REQ(nullptr, &p, static_cast<long>(data.size())));  // NOLINT
  }
  if (!req) {
    return OpenSslError(ErrorCode::kInvalidData, "not a certificate request (PKCS#10, PEM or DER)");
  }
  return CertificateRequest(std::move(req));
}

DistinguishedName CertificateRequest::Subject() const {
  return DistinguishedName::FromNative(X509_REQ_get_subject_name(req_.get()));
}

EVP_PKEY* CertificateRequest::PublicKey() const { return X509_REQ_get0_pubkey(req_.get()); }

bool CertificateRequest::SignatureValid() const {
  EVP_PKEY* pub = PublicKey();
  bool ok = pub != nullptr && X509_REQ_verify(req_.get(), pub) == 1;
  ClearOpenSslErrors();
  return ok;
}

SubjectAltNames CertificateRequest::RequestedSans() const {
  SubjectAltNames out;
  ExtStackPtr exts(X509_REQ_get_extensions(req_.get()));
  for (int i = 0; exts && i < sk_X509_EXTENSION_num(exts.get()); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts.get(), i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name) {
      continue;
    }
    ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext)));
    for (int j = 0; names && j < sk_GENERAL_NAME_num(names.get()); ++j) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), j);
      if (gn->type == GEN_DNS) {
        std::string d(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                      static_cast<size_t>(ASN1_STRING_length(gn->d.dNSName)));
        out.AddDns(d);
      } else if (gn->type == GEN_IPADD) {
        const unsigned char* b = ASN1_STRING_get0_data(gn->d.iPAddress);
        const int len = ASN1_STRING_length(gn->d.iPAddress);
        char buf[64] = {0};
        if (len == 4) {
          std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
          out.AddIp(buf);
        } else if (len == 16) {
          std::string s;
          for (int k = 0; k < 16; k += 2) {
            s += fmt::format("{}{:x}", k ? ":" : "", b[k] << 8 | b[k + 1]);
          }
          auto canon = ParseIpAddress(s);
          out.AddIp(canon ? *canon : s);
        }
      } else {
        out.AddDns("<unsupported name type>");
      }
    }
  }
  ClearOpenSslErrors();
  return out;
}

bool CertificateRequest::RequestsCa() const {
  ExtStackPtr exts(X509_REQ_get_extensions(req_.get()));
  bool ca = false;
  for (int i = 0; exts && i < sk_X509_EXTENSION_num(exts.get()); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts.get(), i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) == NID_basic_constraints) {
      ossl::BasicConstraintsPtr bc(static_cast<BASIC_CONSTRAINTS*>(X509V3_EXT_d2i(ext)));
      ca |= bc && bc->ca != 0;
    }
  }
  ClearOpenSslErrors();
  return ca;
}

std::string NamesOutside(const SubjectAltNames& asked, const SubjectAltNames& allowed) {
  std::string extra;
  for (const auto& d : asked.dns) {
    if (std::find(allowed.dns.begin(), allowed.dns.end(), AsciiLower(d)) == allowed.dns.end()) {
      extra += (extra.empty() ? "DNS:" : ", DNS:") + d;
    }
  }
  for (const auto& i : asked.ips) {
    if (std::find(allowed.ips.begin(), allowed.ips.end(), i) == allowed.ips.end()) {
      extra += (extra.empty() ? "IP:" : ", IP:") + i;
    }
  }
  return extra;
}

Status CheckRequestKey(const EVP_PKEY* key) {
  CM_RETURN_IF_ERROR(WithContext(CheckNamedCurve(key), "the request's key"));
  const KeyDescription d = DescribePublicKey(key);
  const bool ok = (d.algorithm == "RSA" && d.bits >= 2048) ||
                  (d.algorithm == "EC" && (d.curve == "P-256" || d.curve == "P-384")) ||
                  d.algorithm == "Ed25519";
  if (!ok) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("the request's key ({}) is not one certmint certifies (RSA of "
                                 "2048 bits or more, EC P-256 or P-384, Ed25519)",
                                 d.ToString()));
  }
  return {};
}

}  // namespace certmint
