#include "enroll/client.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/fd.h"
#include "core/fs.h"
#include "tls/probe.h"

namespace certmint {
namespace {

constexpr time_t kConnectTimeoutSeconds = 10;
constexpr time_t kReadTimeoutSeconds = 30;

// The trust anchors as a PEM file, for as long as a client lives.
// cpp-httplib (0.11) adds the system's default CA bundle to a store given
// with set_ca_cert_store, which would let any publicly trusted certificate
// for the host stand in for the pinned CA; with set_ca_cert_path it loads
// that file alone.
class AnchorFile {
 public:
  static Result<AnchorFile> Write(const std::vector<Certificate>& anchors) {
    const char* tmp = std::getenv("TMPDIR");
    std::string path =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/certmint-anchors-XXXXXX";
    UniqueFd fd(mkstemp(path.data()));
    if (fd.get() < 0) {
      return MakeError(ErrorCode::kIo, fmt::format("creating {}: {}", path, std::strerror(errno)));
    }
    AnchorFile file(path);
    std::string pem;
    for (const auto& c : anchors) {
      pem += c.ToPem();
    }
    if (int err = fs::WriteAll(fd.get(), pem); err != 0) {
      return MakeError(ErrorCode::kIo, fmt::format("writing {}: {}", path, std::strerror(err)));
    }
    return file;
  }
  AnchorFile(AnchorFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  AnchorFile(const AnchorFile&) = delete;
  AnchorFile& operator=(const AnchorFile&) = delete;
  AnchorFile& operator=(AnchorFile&&) = delete;
  ~AnchorFile() {
    if (!path_.empty()) {
      unlink(path_.c_str());
    }
  }
  const std::string& path() const { return path_; }

 private:
  explicit AnchorFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// With `anchors` null the server is not verified (first contact, before the
// pin is checked); otherwise only the anchors in `file` are trusted and the
// certificate must name the URL's host.
void Configure(httplib::SSLClient& cli, const AnchorFile* anchors) {
  cli.set_connection_timeout(kConnectTimeoutSeconds, 0);
  cli.set_read_timeout(kReadTimeoutSeconds, 0);
  cli.set_write_timeout(kReadTimeoutSeconds, 0);
  cli.set_keep_alive(false);
  cli.set_tcp_nodelay(true);
  SSL_CTX_set_min_proto_version(cli.ssl_context(), TLS1_2_VERSION);
  if (anchors == nullptr) {
    cli.enable_server_certificate_verification(false);
  } else {
    cli.enable_server_certificate_verification(true);
    cli.set_ca_cert_path(anchors->path().c_str());
  }
}

Error TransportError(const ServerUrl& url, const httplib::Result& res, long verify_result) {
  if (res.error() == httplib::Error::SSLServerVerification) {
    return Error(ErrorCode::kDenied,
                 fmt::format("{}: the server's certificate is not trusted ({}): not the "
                             "certmint service whose CA was pinned, or a man in the middle",
                             url.ToString(), X509_verify_cert_error_string(verify_result)));
  }
  return Error(ErrorCode::kIo,
               fmt::format("{}: {}", url.ToString(), httplib::to_string(res.error())));
}

// The answer's body, or the refusal as an error: kDenied for 401/403/409,
// kInvalidData for 400/413/415, kIo for the rest.
Result<std::string> Body(const ServerUrl& url, httplib::Result res, long verify_result) {
  ERR_clear_error();
  if (!res) {
    return tl::unexpected(TransportError(url, res, verify_result));
  }
  if (res->status == 200) {
    return res->body;
  }
  const int s = res->status;
  const ErrorCode code = (s == 401 || s == 403 || s == 409)   ? ErrorCode::kDenied
                         : (s == 400 || s == 413 || s == 415) ? ErrorCode::kInvalidData
                                                              : ErrorCode::kIo;
  return MakeError(
      code, fmt::format("{} answered {}: {}", url.ToString(), s, DescribeErrorBody(res->body)));
}

// Whether another replica may answer where this one failed: no connection,
// or an answer that says to retry (5xx, 429: Body's kIo). A refusal (401,
// 403, 409), an untrusted server or a malformed answer stands.
bool TryNextReplica(const Error& e) { return e.code() == ErrorCode::kIo; }

// `attempt` on each replica of `url` in turn, until one answers.
template <typename T, typename F>
Result<T> WithFailover(const ServerUrl& url, F&& attempt) {
  const std::vector<ServerUrl> endpoints = ServerEndpoints(url);
  std::optional<Error> last;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    Result<T> r = attempt(endpoints[i], /*retry=*/i > 0);
    if (r || !TryNextReplica(r.error()) || endpoints.size() == 1) {
      return r;
    }
    last = r.error();
  }
  return tl::unexpected(
      last->AddContext(fmt::format("none of the {} replicas answered", endpoints.size())));
}

Result<ServerUrl> ParseOneServerUrl(std::string_view url);

}  // namespace

std::string ServerUrl::ToString() const {
  std::string out = host.find(':') != std::string::npos ? fmt::format("https://[{}]:{}", host, port)
                                                        : fmt::format("https://{}:{}", host, port);
  for (const auto& r : replicas) {
    out += "," + r.ToString();
  }
  return out;
}

std::vector<ServerUrl> ServerEndpoints(const ServerUrl& url) {
  std::vector<ServerUrl> out{ServerUrl{url.host, url.port, {}}};
  for (const auto& r : url.replicas) {
    out.push_back(ServerUrl{r.host, r.port, {}});
  }
  return out;
}

Result<ServerUrl> ParseServerUrl(std::string_view url) {
  ServerUrl first;
  size_t start = 0;
  for (int i = 0;; ++i) {
    const size_t comma = url.find(',', start);
    std::string_view one =
        url.substr(start, comma == std::string_view::npos ? url.npos : comma - start);
    while (!one.empty() && one.front() == ' ') {
      one.remove_prefix(1);
    }
    while (!one.empty() && one.back() == ' ') {
      one.remove_suffix(1);
    }
    CM_ASSIGN_OR_RETURN(auto parsed, ParseOneServerUrl(one));
    if (i == 0) {
      first = std::move(parsed);
    } else {
      first.replicas.push_back(std::move(parsed));
    }
    if (comma == std::string_view::npos) {
      return first;
    }
    start = comma + 1;
  }
}

namespace {

Result<ServerUrl> ParseOneServerUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' is not a server URL ({}); expected https://HOST[:PORT]",
                                 PrintableField(url, 100), why));
  };
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return bad("it must start with https://");
  }
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  if (rest.find('/') != std::string_view::npos) {
    return bad("no path: the API lives under /v1/ of the server");
  }
  if (rest.empty()) {
    return bad("no host");
  }
  // HOST[:PORT] as --listen and probe read it, with 443 when no port is given.
  const bool has_port = rest.front() == '[' ? rest.find("]:") != std::string_view::npos
                                            : rest.find(':') != std::string_view::npos;
  auto host_port = ParseHostPort(has_port ? std::string(rest) : std::string(rest) + ":443");
  if (!host_port) {
    return bad(PrintableField(host_port.error().message(), 200));
  }
  ServerUrl out{std::move(host_port->first), host_port->second, {}};
  if (out.host.empty()) {
    return bad("no host");
  }
  for (char c : out.host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) {
      return bad("the host has characters no host name or address has");
    }
  }
  return out;
}

}  // namespace

Result<std::string> NormalizeFingerprint(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':') {
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      hex.clear();
      break;
    }
    hex.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (hex.size() != 64) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--ca-fingerprint: expected the CA certificate's SHA-256 fingerprint, 64 hex "
                     "digits (colons allowed), as `certmint inspect` prints it");
  }
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    out += (i == 0 ? "" : ":") + hex.substr(i, 2);
  }
  return out;
}

namespace {

Result<Certificate> FetchPinnedCaFrom(const ServerUrl& url, const std::string& pin) {
  httplib::SSLClient cli(url.host, url.port);
  Configure(cli, nullptr);
  CM_ASSIGN_OR_RETURN(auto body, Body(url, cli.Get("/v1/ca"), cli.get_openssl_verify_result()));
  CM_ASSIGN_OR_RETURN(auto trust, WithContext(ParseCaBundleTrust(body), url.ToString() + "/v1/ca"));
  for (auto& c : trust) {
    if (c.Sha256Fingerprint() == pin && c.IsCa()) {
      return std::move(c);
    }
  }
  return MakeError(ErrorCode::kDenied,
                   fmt::format("{} offers no CA certificate with SHA-256 fingerprint {}: the "
                               "wrong server or a man in the middle; nothing was sent",
                               url.ToString(), pin));
}

Result<IssuedChain> EnrollWithReplica(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                      const SecretString& token, const std::string& name,
                                      const std::string& csr_pem, bool retry) {
  CM_ASSIGN_OR_RETURN(auto file, AnchorFile::Write(anchors));
  httplib::SSLClient cli(url.host, url.port);
  Configure(cli, &file);
  std::string request = EnrollRequestJson(token, name, csr_pem, retry);
  auto res = cli.Post("/v1/enroll", request, "application/json");
  Cleanse(request);
  CM_ASSIGN_OR_RETURN(auto body, Body(url, std::move(res), cli.get_openssl_verify_result()));
  return WithContext(ParseIssuedChain(body), url.ToString() + "/v1/enroll");
}

Result<std::string> FetchCrlFrom(const ServerUrl& url, const std::vector<Certificate>& anchors) {
  CM_ASSIGN_OR_RETURN(auto file, AnchorFile::Write(anchors));
  httplib::SSLClient cli(url.host, url.port);
  Configure(cli, &file);
  return Body(url, cli.Get("/v1/crl"), cli.get_openssl_verify_result());
}

Result<IssuedChain> RenewWithReplica(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                     const Certificate& certificate, const PrivateKey& key,
                                     const std::string& csr_pem, bool retry) {
  CM_ASSIGN_OR_RETURN(auto file, AnchorFile::Write(anchors));
  httplib::SSLClient cli(url.host, url.port, certificate.native(), key.native());
  if (!cli.is_valid()) {
    ERR_clear_error();
    return MakeError(ErrorCode::kInvalidData,
                     "the current certificate and key cannot be used as a TLS client identity");
  }
  Configure(cli, &file);
  CM_ASSIGN_OR_RETURN(
      auto body,
      Body(url, cli.Post("/v1/renew", RenewRequestJson(csr_pem, retry), "application/json"),
           cli.get_openssl_verify_result()));
  return WithContext(ParseIssuedChain(body), url.ToString() + "/v1/renew");
}

}  // namespace

Result<Certificate> FetchPinnedCa(const ServerUrl& url, const std::string& pin) {
  return WithFailover<Certificate>(
      url, [&](const ServerUrl& one, bool) { return FetchPinnedCaFrom(one, pin); });
}

// A retried enrollment sends the same token and CSR (the same key): the
// service answers a retry whose first attempt it recorded with that
// certificate, never a second one (EnrollmentService::AlreadyEnrolled).
Result<IssuedChain> EnrollWithServer(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                     const SecretString& token, const std::string& name,
                                     const std::string& csr_pem) {
  return WithFailover<IssuedChain>(url, [&](const ServerUrl& one, bool retry) {
    return EnrollWithReplica(one, anchors, token, name, csr_pem, retry);
  });
}

Result<std::string> FetchCrl(const ServerUrl& url, const std::vector<Certificate>& anchors) {
  return WithFailover<std::string>(
      url, [&](const ServerUrl& one, bool) { return FetchCrlFrom(one, anchors); });
}

Result<IssuedChain> RenewWithServer(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                    const Certificate& certificate, const PrivateKey& key,
                                    const std::string& csr_pem) {
  return WithFailover<IssuedChain>(url, [&](const ServerUrl& one, bool retry) {
    return RenewWithReplica(one, anchors, certificate, key, csr_pem, retry);
  });
}

}  // namespace certmint
