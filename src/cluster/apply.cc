#include "cluster/apply.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "core/fs.h"
#include "core/random.h"
#include "identity/identity.h"
#include "verify/verify.h"

namespace certmint {
namespace {

// The store password for an identity: the one given for all, else the one in
// its password file, else a new random one. `in_file` says whether it lives
// (and must go on living) in the identity's password file.
Result<SecretString> PasswordFor(const PlanItem& item, const ApplyOptions& options,
                                 bool* in_file) {
  *in_file = false;
  if (options.store_password != nullptr) {
    return SecretString(options.store_password->reveal());
  }
  if (item.password_file) {
    auto text = fs::ReadFile(*item.password_file, 4096);
    if (text) {
      std::string line = text->substr(0, text->find('\n'));
      Cleanse(*text);
      if (line.size() >= kMinStorePasswordLength) {
        SecretString pw(line);
        Cleanse(line);
        *in_file = true;
        return pw;
      }
      Cleanse(line);
    }
  }
  *in_file = true;
  return RandomPassword();
}

// Rewrites the truststores of an identity (same key and certificate, read
// back from its keystore) to carry options.trust.
Status UpdateTrust(const PlanItem& item, const ApplyOptions& options) {
  const IdentitySpec& spec = *item.spec;
  if (options.store_password == nullptr && !item.password_file) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "its stores were written with a password of your own: give it with "
                     "--password-file or $CERTMINT_PASSWORD");
  }
  bool in_file = false;
  CM_ASSIGN_OR_RETURN(auto password, PasswordFor(item, options, &in_file));
  auto stores = FindIdentityStores(options.out_dir + "/" + spec.name);
  if (stores.empty()) {
    return MakeError(ErrorCode::kNotFound, "no keystore to read the key and certificate from");
  }
  CM_ASSIGN_OR_RETURN(auto ks, LoadStoreFiles(stores[0].keystore_files, &password));
  if (ks.keys.size() != 1) {
    return MakeError(ErrorCode::kInvalidData, "the keystore must hold exactly one key");
  }
  const KeyEntry& e = ks.keys[0];
  Identity identity{spec.name, e.key, e.chain[0],
                    std::vector<Certificate>(e.chain.begin() + 1, e.chain.end())};
  IdentityOutput output;
  output.formats = spec.formats;
  output.install_dir = spec.install_dir;
  output.pkcs12 = spec.pkcs12;
  output.alias = spec.alias;
  output.write_password_file = in_file;
  output.replace = true;
  output.trust = options.trust;
  output.now = options.now;
  return WriteIdentity(options.out_dir, identity, password, output).map([](auto&&) {});
}

Status ApplyOne(const CertificateAuthority& ca, const PlanItem& item,
                const ApplyOptions& options) {
  if (item.action == PlanAction::kTrust) {
    return UpdateTrust(item, options);
  }
  const IdentitySpec& spec = *item.spec;
  IdentityRequest request;
  request.name = spec.name;
  request.sans = spec.sans;
  request.role = spec.role;
  request.days = spec.days;
  request.key_spec = spec.key_type;
  request.subject = spec.subject;
  request.now = options.now;
  CM_ASSIGN_OR_RETURN(auto identity, IssueIdentity(ca, request));
  bool in_file = false;
  CM_ASSIGN_OR_RETURN(auto password, PasswordFor(item, options, &in_file));
  if (options.inventory != nullptr) {
    CM_RETURN_IF_ERROR(options.inventory->RecordIssued(spec.name, identity.certificate,
                                                       ca.certificate(), options.now));
  }
  IdentityOutput output;
  output.formats = spec.formats;
  output.install_dir = spec.install_dir;
  output.pkcs12 = spec.pkcs12;
  output.alias = spec.alias;
  output.write_password_file = in_file;
  output.replace = item.action == PlanAction::kRenew;
  output.trust = options.trust;
  output.now = options.now;
  CM_RETURN_IF_ERROR(WriteIdentity(options.out_dir, identity, password, output));
  if (options.inventory != nullptr) {
    CM_RETURN_IF_ERROR(
        options.inventory->Activate(spec.name, identity.certificate.SerialHex()));
  }
  return {};
}

}  // namespace

Status PruneIdentity(const UnlistedIdentity& identity, const std::string& out_dir,
                     Inventory* inventory, TimePoint now) {
  if (inventory != nullptr && identity.certificate) {
    constexpr int kCessationOfOperation = 5;  // RFC 5280 §5.3.1
    auto revoked = inventory->Revoke(identity.certificate->SerialHex(), kCessationOfOperation, now);
    if (!revoked && revoked.error().code() != ErrorCode::kNotFound &&
        revoked.error().code() != ErrorCode::kAlreadyExists) {
      return tl::unexpected(revoked.error());
    }
  }
  return fs::RemoveDirAtomically(out_dir + "/" + identity.name);
}

Status RenewIdentityWith(const std::string& out_dir, const std::string& name,
                         const RenewOptions& options, const RenewalSigner& signer) {
  CM_ASSIGN_OR_RETURN(auto state, ReadIdentityState(out_dir, name));
  if (!state) {
    return MakeError(ErrorCode::kNotFound, fmt::format("{}/{} does not exist", out_dir, name));
  }
  std::optional<SecretString> own_password;
  const SecretString* password = options.store_password;
  if (password == nullptr) {
    if (!state->password_file) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}/{} has no password file: give the store password", out_dir,
                                   name));
    }
    CM_ASSIGN_OR_RETURN(auto text, fs::ReadFile(*state->password_file, 4096));
    own_password.emplace(std::string_view(text).substr(0, text.find('\n')));
    Cleanse(text);
    password = &*own_password;
  }
  std::optional<CurrentIdentity> current;
  if (options.keep_key || signer.needs_current) {
    auto stores = FindIdentityStores(out_dir + "/" + name);
    if (stores.empty()) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("{}/{}: no keystore holding the current key", out_dir, name));
    }
    CM_ASSIGN_OR_RETURN(auto ks, LoadStoreFiles(stores[0].keystore_files, password));
    if (ks.keys.size() != 1) {
      return MakeError(ErrorCode::kInvalidData, "the keystore must hold exactly one key");
    }
    current.emplace(CurrentIdentity{ks.keys[0].key, state->certificate, {}});
    for (const auto& t : ks.trusted) {
      current->trust.push_back(t.certificate);
    }
  }
  IdentityRequest request;
  request.name = name;
  request.sans = state->sans;
  request.role = state->role;
  request.key_spec = state->key_type;
  // The same subject (`issue --subject`): Kafka's principal for ACLs is the
  // whole DN.
  request.subject = state->certificate.Subject();
  request.now = options.now;
  request.days = options.days.value_or(ValidityDays(state->certificate));
  if (options.keep_key) {
    request.key = current->key;
  }
  CM_ASSIGN_OR_RETURN(auto renewed, signer.sign(request, current ? &*current : nullptr));
  IdentityOutput output;
  output.formats = state->formats.empty()
                       ? std::vector<StoreFormat>{StoreFormat::kPem, StoreFormat::kPkcs12,
                                                  StoreFormat::kJks}
                       : state->formats;
  output.install_dir = state->install_dir;
  output.pkcs12 = state->pkcs12;
  output.alias = state->alias;
  output.write_password_file = state->password_file.has_value() && options.store_password == nullptr;
  output.replace = true;
  output.trust = renewed.second.empty() ? options.trust : renewed.second;
  output.now = options.now;
  CM_RETURN_IF_ERROR(WriteIdentity(out_dir, renewed.first, *password, output));
  if (signer.committed) {
    CM_RETURN_IF_ERROR(signer.committed(renewed.first));
  }
  return {};
}

Status RenewIdentity(const CertificateAuthority& ca, const std::string& out_dir,
                     const std::string& name, const RenewOptions& options) {
  RenewalSigner signer;
  signer.sign = [&](const IdentityRequest& request, const CurrentIdentity*)
      -> Result<std::pair<Identity, std::vector<Certificate>>> {
    CM_ASSIGN_OR_RETURN(auto identity, IssueIdentity(ca, request));
    if (options.inventory != nullptr) {
      CM_RETURN_IF_ERROR(options.inventory->RecordIssued(name, identity.certificate,
                                                         ca.certificate(), options.now));
    }
    return std::make_pair(std::move(identity), std::vector<Certificate>{});
  };
  signer.committed = [&](const Identity& identity) -> Status {
    if (options.inventory != nullptr) {
      return options.inventory->Activate(name, identity.certificate.SerialHex());
    }
    return {};
  };
  return RenewIdentityWith(out_dir, name, options, signer);
}

ApplySummary ApplyPlan(const CertificateAuthority& ca, const std::vector<PlanItem>& plan,
                       const ApplyOptions& options) {
  ApplySummary summary;
  std::vector<const PlanItem*> work;
  for (const auto& item : plan) {
    if (item.action == PlanAction::kKeep) {
      ++summary.kept;
    } else {
      work.push_back(&item);
    }
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  auto worker = [&]() {
    for (size_t i; (i = next.fetch_add(1)) < work.size();) {
      const PlanItem& item = *work[i];
      Status st = ApplyOne(ca, item, options);
      std::lock_guard<std::mutex> lock(mu);
      if (st) {
        (item.action == PlanAction::kCreate  ? summary.created
         : item.action == PlanAction::kTrust ? summary.trust_updated
                                             : summary.renewed)++;
      } else {
        st.error().AddContext(fmt::format("{} {}", PlanActionName(item.action), item.spec->name));
        summary.failures.emplace_back(item.spec->name, st.error());
      }
      if (options.on_done) {
        options.on_done(item, st);
      }
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(work.size())));
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) {
    threads.emplace_back(worker);
  }
  worker();
  for (auto& t : threads) {
    t.join();
  }
  return summary;
}

}  // namespace certmint
