#include "identity/renew.h"

#include <fmt/format.h>

#include "core/fs.h"
#include "core/random.h"
#include "identity/files.h"
#include "identity/state.h"

namespace certmint {
namespace {

// The store password of OUT/NAME: the one given, else its password file.
Result<SecretString> RenewalPassword(const std::string& out_dir, const std::string& name,
                                     const IdentityState& state, const RenewOptions& options) {
  if (options.store_password != nullptr) {
    return SecretString(options.store_password->reveal());
  }
  if (!state.password_file) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("{}/{} has no password file: give the store password", out_dir, name));
  }
  CM_ASSIGN_OR_RETURN(auto text, fs::ReadFile(*state.password_file, 4096));
  SecretString password(std::string_view(text).substr(0, text.find('\n')));
  Cleanse(text);
  return password;
}

Result<CurrentIdentity> ReadCurrent(const std::string& dir, const IdentityState& state,
                                    const SecretString& password) {
  CM_ASSIGN_OR_RETURN(auto ks, LoadIdentityKeystore(dir, password));
  CurrentIdentity current{ks.keys[0].key, state.certificate, {}};
  for (const auto& t : ks.trusted) {
    current.trust.push_back(t.certificate);
  }
  return current;
}

// The same names, role, key type and subject (`issue --subject`: Kafka's
// principal for ACLs is the whole DN) as the current certificate.
IdentityRequest RenewalRequest(const std::string& name, const IdentityState& state,
                               const RenewOptions& options) {
  IdentityRequest request;
  request.name = name;
  request.sans = state.sans;
  request.role = state.role;
  request.key_spec = state.key_type;
  request.subject = state.certificate.Subject();
  request.now = options.now;
  request.days = options.days.value_or(CertificateValidity(state.certificate));
  return request;
}

// The password the renewed stores get: a new one when asked for, else the
// current one.
Result<SecretString> NewStorePasswordFor(const SecretString& current, const RenewOptions& options) {
  if (options.new_store_password != nullptr) {
    return SecretString(options.new_store_password->reveal());
  }
  if (options.new_random_password) {
    return RandomPassword();
  }
  return SecretString(current.reveal());
}

IdentityOutput RenewalOutput(const std::string& state_dir, const IdentityState& state,
                             const RenewOptions& options) {
  IdentityOutput output;
  if (!state.formats.empty() || state.kubernetes) {
    output.formats = state.formats;
  }
  output.kubernetes = state.kubernetes;
  output.kubernetes_namespace = state.kubernetes_namespace;
  output.strimzi_cluster = state.strimzi_cluster;
  output.kafka = state.kafka.value_or(KafkaServerSettings{});
  output.install_dir = state.install_dir;
  output.pkcs12 = state.pkcs12;
  output.alias = state.alias;
  // The password file stays whenever there was one (rewritten with a new
  // password), so that verify and the next renew find what opens the stores.
  output.write_password_file = state.password_file.has_value() || options.new_random_password;
  output.replace = true;
  output.now = options.now;
  // The identity's CRL goes on (librdkafka.properties names it); the
  // renewal daemon or cron keeps it fresh.
  if (auto crl = fs::ReadFile(state_dir + "/" + std::string(kIdentityCrlFile))) {
    output.crl_pem = std::move(*crl);
  }
  return output;
}

}  // namespace

Status RenewIdentityWith(const std::string& out_dir, const std::string& name,
                         const RenewOptions& options, const RenewalSigner& signer) {
  CM_ASSIGN_OR_RETURN(auto state, ReadIdentityState(out_dir, name));
  if (!state) {
    return MakeError(ErrorCode::kNotFound, fmt::format("{}/{} does not exist", out_dir, name));
  }
  CM_ASSIGN_OR_RETURN(auto password, RenewalPassword(out_dir, name, *state, options));
  std::optional<CurrentIdentity> current;
  if (options.keep_key || signer.needs_current) {
    CM_ASSIGN_OR_RETURN(auto c, ReadCurrent(out_dir + "/" + name, *state, password));
    current.emplace(std::move(c));
  }
  IdentityRequest request = RenewalRequest(name, *state, options);
  if (options.keep_key) {
    request.key = current->key;
  }
  const IdentityOutput output = RenewalOutput(out_dir + "/" + name, *state, options);
  CM_ASSIGN_OR_RETURN(auto new_password, NewStorePasswordFor(password, options));
  RenewalDeploy deploy = [&](const Identity& identity,
                             const std::vector<Certificate>& trust) -> Status {
    IdentityOutput o = output;
    o.trust = trust.empty() ? options.trust : trust;
    return WriteIdentity(out_dir, identity, new_password, o).map([](auto&&) {});
  };
  CM_RETURN_IF_ERROR(signer.renew(request, current ? &*current : nullptr, deploy));
  if (!options.hook.empty()) {
    HookOutcome outcome = RunReloadHook(options.hook, out_dir, name, HookEvent::kRenewed);
    if (options.on_hook) {
      options.on_hook(outcome);
    }
  }
  return {};
}

Status RenewIdentity(const Issuer& issuer, const std::string& out_dir, const std::string& name,
                     const RenewOptions& options) {
  RenewalSigner signer;
  signer.renew = [&](const IdentityRequest& request, const CurrentIdentity*,
                     const RenewalDeploy& deploy) -> Status {
    return IssueIdentity(issuer, request,
                         [&](const Identity& identity) { return deploy(identity, {}); })
        .map([](auto&&) {});
  };
  return RenewIdentityWith(out_dir, name, options, signer);
}

}  // namespace certmint
