#include "cluster/apply.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "core/fs.h"
#include "core/random.h"
#include "identity/files.h"
#include "identity/identity.h"

namespace certmint {
namespace {

// The store password for an identity: the one given for all, else the one in
// its password file, else a new random one. `in_file` says whether it lives
// (and must go on living) in the identity's password file.
Result<SecretString> PasswordFor(const PlanItem& item, const ApplyOptions& options, bool* in_file) {
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
  CM_ASSIGN_OR_RETURN(auto ks, LoadIdentityKeystore(options.out_dir + "/" + spec.name, password));
  const KeyEntry& e = ks.keys[0];
  Identity identity{spec.name, e.key, e.chain[0],
                    std::vector<Certificate>(e.chain.begin() + 1, e.chain.end())};
  IdentityOutput output = OutputFor(spec, options.trust, options.now, in_file);
  output.crl_pem = options.crl_pem;
  output.replace = true;
  return WriteIdentity(options.out_dir, identity, password, output).map([](auto&&) {});
}

Status ApplyOne(const Issuer& issuer, const PlanItem& item, const ApplyOptions& options) {
  if (item.action == PlanAction::kTrust) {
    return UpdateTrust(item, options);
  }
  const IdentitySpec& spec = *item.spec;
  const IdentityRequest request = RequestFor(spec, options.now);
  bool in_file = false;
  CM_ASSIGN_OR_RETURN(auto password, PasswordFor(item, options, &in_file));
  IdentityOutput output = OutputFor(spec, options.trust, options.now, in_file);
  output.crl_pem = options.crl_pem;
  output.replace = item.action == PlanAction::kRenew;
  return IssueIdentity(
             issuer, request,
             [&](const Identity& identity) {
               return WriteIdentity(options.out_dir, identity, password, output).map([](auto&&) {});
             })
      .map([](auto&&) {});
}

}  // namespace

IdentityRequest RequestFor(const IdentitySpec& spec, TimePoint now) {
  IdentityRequest request;
  request.name = spec.name;
  request.sans = spec.sans;
  request.role = spec.role;
  request.days = spec.days;
  request.key_spec = spec.key_type;
  request.subject = spec.subject;
  request.now = now;
  return request;
}

IdentityOutput OutputFor(const IdentitySpec& spec, const std::vector<Certificate>& trust,
                         TimePoint now, bool password_file) {
  IdentityOutput output;
  output.formats = spec.formats;
  output.kubernetes = spec.kubernetes;
  output.kubernetes_namespace = spec.kubernetes_namespace;
  output.strimzi_cluster = spec.strimzi_cluster;
  output.kafka = KafkaSettingsOf(spec);
  output.install_dir = spec.install_dir;
  output.pkcs12 = spec.pkcs12;
  output.alias = spec.alias;
  output.write_password_file = password_file;
  output.trust = trust;
  output.now = now;
  return output;
}

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

ApplySummary ApplyPlan(const Issuer& issuer, const std::vector<PlanItem>& plan,
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
      Status st = ApplyOne(issuer, item, options);
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
