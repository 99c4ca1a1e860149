#include "x509/name.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "core/encoding.h"

namespace certmint {
namespace {

struct Attribute {
  std::string type;
  std::string value;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

// Splits "type=value" RDNs separated by `sep`, honouring backslash escapes.
Result<std::vector<Attribute>> Split(std::string_view text, char sep) {
  std::vector<Attribute> out;
  std::string cur;
  bool in_value = false;
  std::string type;
  auto finish = [&]() -> Status {
    std::string t = TrimAsciiSpace(type);
    std::string v = in_value ? cur : std::string();
    // Leading and trailing unescaped spaces are not part of the value.
    if (!in_value) {
      std::string stray = TrimAsciiSpace(cur);
      if (stray.empty() && t.empty()) {
        return {};
      }
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not of the form TYPE=VALUE", TrimAsciiSpace(cur)));
    }
    if (t.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "an attribute has no type before '='");
    }
    v = TrimAsciiSpace(v);
    if (v.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("attribute {} has an empty value", t));
    }
    out.push_back({t, v});
    return {};
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) {
        return MakeError(ErrorCode::kInvalidArgument, "the DN ends in a lone backslash");
      }
      char n = text[i + 1];
      if (i + 2 < text.size() && HexValue(n) >= 0 && HexValue(text[i + 2]) >= 0) {
        cur.push_back(static_cast<char>(HexValue(n) * 16 + HexValue(text[i + 2])));
        i += 2;
      } else {
        cur.push_back(n);
        i += 1;
      }
      continue;
    }
    if (c == sep) {
      CM_RETURN_IF_ERROR(finish());
      cur.clear();
      type.clear();
      in_value = false;
      continue;
    }
    if (c == '=' && !in_value) {
      type = cur;
      cur.clear();
      in_value = true;
      continue;
    }
    if (c == '+' && in_value) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "multi-valued RDNs ('+') are not supported; escape a literal '+' as '\\+'");
    }
    if (c == '\0') {
      return MakeError(ErrorCode::kInvalidArgument, "the DN contains a NUL character");
    }
    cur.push_back(c);
  }
  CM_RETURN_IF_ERROR(finish());
  return out;
}

}  // namespace

Result<DistinguishedName> DistinguishedName::Parse(std::string_view text) {
  std::string t = TrimAsciiSpace(text);
  if (t.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the DN is empty");
  }
  std::vector<Attribute> attrs;
  if (t[0] == '/') {
    CM_ASSIGN_OR_RETURN(attrs, Split(std::string_view(t).substr(1), '/'));
  } else {
    CM_ASSIGN_OR_RETURN(attrs, Split(t, ','));
    // RFC 4514 §2.1: the string starts with the last RDN of the sequence.
    std::reverse(attrs.begin(), attrs.end());
  }
  if (attrs.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the DN has no attributes");
  }
  ossl::X509NamePtr name(X509_NAME_new());
  if (!name) {
    return OpenSslError(ErrorCode::kInternal, "allocating a name failed");
  }
  for (const auto& a : attrs) {
    int nid = OBJ_txt2nid(a.type.c_str());
    if (nid == NID_undef) {
      ClearOpenSslErrors();
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("unknown attribute type '{}'", a.type));
    }
    if (X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(a.value.data()),
                                   static_cast<int>(a.value.size()), -1, 0) != 1) {
      ClearOpenSslErrors();
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("invalid value '{}' for attribute {}", a.value, a.type));
    }
  }
  return DistinguishedName(std::move(name));
}

Result<DistinguishedName> DistinguishedName::CommonName(std::string_view cn) {
  ossl::X509NamePtr name(X509_NAME_new());
  if (!name || X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                          reinterpret_cast<const unsigned char*>(cn.data()),
                                          static_cast<int>(cn.size()), -1, 0) != 1) {
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' cannot be a common name (at most 64 characters)", cn));
  }
  return DistinguishedName(std::move(name));
}

DistinguishedName DistinguishedName::FromNative(const X509_NAME* name) {
  return DistinguishedName(ossl::X509NamePtr(X509_NAME_dup(name)));
}

DistinguishedName::DistinguishedName(const DistinguishedName& other)
    : name_(X509_NAME_dup(other.name_.get())) {}

DistinguishedName& DistinguishedName::operator=(const DistinguishedName& other) {
  if (this != &other) {
    name_.reset(X509_NAME_dup(other.name_.get()));
  }
  return *this;
}

std::string NameToString(const X509_NAME* name) {
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  // RFC 2253 order and escaping, but UTF-8 left readable.
  unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;  // NOLINT(runtime/int)
  if (!out || X509_NAME_print_ex(out.get(), name, 0, flags) < 0) {
    ClearOpenSslErrors();
    return {};
  }
  return ossl::MemBioContents(out.get());
}

std::string DistinguishedName::ToString() const { return NameToString(name_.get()); }

std::string DistinguishedName::CommonNameValue() const {
  int idx = X509_NAME_get_index_by_NID(name_.get(), NID_commonName, -1);
  if (idx < 0) {
    return {};
  }
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name_.get(), idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ClearOpenSslErrors();
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

bool DistinguishedName::empty() const { return X509_NAME_entry_count(name_.get()) == 0; }

}  // namespace certmint
