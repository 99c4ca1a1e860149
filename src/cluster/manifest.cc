#include "cluster/manifest.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "core/fs.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "identity/kubernetes.h"
#include "identity/name_template.h"
#include "identity/reload_hook.h"

namespace certmint {
namespace {

// More entries than any `formats` list needs (each format counts once).
constexpr size_t kMaxFormats = 16;

// The host clients reach an identity by: its first DNS name as written,
// else its first IP address, else its name (as server.properties advertises
// it, from the certificate).
std::string HostOf(const IdentitySpec& spec) {
  return !spec.sans.dns.empty()   ? spec.sans.dns[0]
         : !spec.sans.ips.empty() ? spec.sans.ips[0]
                                  : spec.name;
}

// Gives every server identity (role server or both) the cluster's
// principals as super users, and the brokers the controllers' addresses.
void ConnectServers(Manifest& m) {
  auto cluster = std::make_shared<KafkaCluster>();
  std::vector<std::string>& principals = cluster->super_users;
  std::vector<std::string>& controllers = cluster->controllers;
  std::string& controller_listener = cluster->controller_listener;
  for (const auto& spec : m.identities) {
    if (!HasServerAuth(spec.role)) {
      continue;
    }
    auto subject = spec.subject ? Result<DistinguishedName>(*spec.subject)
                                : DistinguishedName::CommonName(spec.name);
    if (subject) {  // else its issuance fails, with the reason
      principals.push_back(KafkaPrincipalName(*subject));
    }
    if (spec.kafka.controller) {
      controllers.push_back(fmt::format("{}:{}", HostOf(spec), spec.kafka.Port()));
      if (controller_listener.empty()) {
        controller_listener = spec.kafka.ListenerName();
      }
    }
  }
  for (auto& spec : m.identities) {
    if (HasServerAuth(spec.role)) {
      spec.kafka_cluster = cluster;
    }
  }
}

// Counts the nodes of a document as yaml-cpp's parser streams them, an
// alias as the nodes it names, and stops at kMaxManifestNodes: before
// YAML::Load builds a tree whose size only the byte bound limits.
class NodeCounter : public YAML::EventHandler {
 public:
  struct TooMany {
    YAML::Mark mark;
  };

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(mark, anchor < sizes_.size() ? sizes_[anchor] : 1);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    Leaf(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  // Both at most kMaxManifestNodes, so their sum cannot wrap.
  void Add(const YAML::Mark& mark, size_t n) {
    count_ += n;
    if (count_ > kMaxManifestNodes) {
      throw TooMany{mark};
    }
  }
  void Name(YAML::anchor_t anchor, size_t size) {
    if (anchor != YAML::NullAnchor) {
      sizes_.resize(std::max<size_t>(sizes_.size(), anchor + 1), 1);
      sizes_[anchor] = size;
    }
  }
  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Add(mark, 1);
    Name(anchor, 1);
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Add(mark, 1);
    open_.push_back({anchor, count_ - 1});
  }
  void Close() {
    if (!open_.empty()) {
      Name(open_.back().first, count_ - open_.back().second);
      open_.pop_back();
    }
  }

  size_t count_ = 0;
  std::vector<size_t> sizes_;                            // by anchor: the nodes it names
  std::vector<std::pair<YAML::anchor_t, size_t>> open_;  // anchor, count before
};

// Refuses a document of more than kMaxManifestNodes nodes, with the line
// where the count passed it. yaml-cpp's syntax errors are thrown, as
// YAML::Load throws them.
Status CheckNodeCount(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  NodeCounter counter;
  try {
    parser.HandleNextDocument(counter);
  } catch (const NodeCounter::TooMany& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}:{}:{}: more than {} YAML nodes (values, lists and mappings, "
                                 "aliases expanded); a manifest may hold at most {}",
                                 path, e.mark.line + 1, e.mark.column + 1, kMaxManifestNodes,
                                 kMaxManifestNodes));
  }
  return {};
}

class Parser {
 public:
  explicit Parser(std::string path) : path_(std::move(path)) {}

  std::string Where(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return fmt::format("{}:{}:{}", path_, m.line + 1, m.column + 1);
  }

  tl::unexpected<Error> Fail(const YAML::Node& n, const std::string& field,
                             const std::string& why) const {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("{}: {}: {}", Where(n), field, why));
  }

  // Refuses keys outside `allowed`, and a key given twice: yaml-cpp keeps
  // both, and a lookup would see only the first.
  Status Keys(const YAML::Node& map, const std::string& field,
              std::initializer_list<const char*> allowed) const {
    if (!map.IsMap()) {
      return Fail(map, field, "expected a mapping");
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      const std::string name = field.empty() ? key : field + "." + key;
      if (auto [first, fresh] = seen.emplace(key, kv.first.Mark()); !fresh) {
        return Fail(kv.first, name,
                    fmt::format("duplicate key (first at line {})", first->second.line + 1));
      }
      bool ok = false;
      for (const char* a : allowed) {
        ok |= key == a;
      }
      if (!ok) {
        std::string list;
        for (const char* a : allowed) {
          list += (list.empty() ? "" : ", ") + std::string(a);
        }
        return Fail(kv.first, name, fmt::format("unknown key (expected one of: {})", list));
      }
    }
    return {};
  }

  Result<std::string> Str(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) {
      return Fail(n, field, "expected a string");
    }
    if (n.Scalar().size() > kMaxManifestValue) {
      return Fail(n, field,
                  fmt::format("{} characters; at most {} are allowed", n.Scalar().size(),
                              kMaxManifestValue));
    }
    return n.Scalar();
  }

  Result<int> Int(const YAML::Node& n, const std::string& field, int min, int max) const {
    int v = 0;
    if (!n.IsScalar() || !YAML::convert<int>::decode(n, v)) {
      return Fail(n, field, "expected an integer");
    }
    if (v < min || v > max) {
      return Fail(n, field, fmt::format("must be between {} and {}", min, max));
    }
    return v;
  }

  // A validity: days (365, 365d) or hours (24h), as --days takes it.
  Result<Validity> Days(const YAML::Node& n, const std::string& field) const {
    CM_ASSIGN_OR_RETURN(auto text, Str(n, field));
    return At(ParseValidity(text, ""), n, field);
  }

  // A list, or one string; at most `max` entries.
  Result<std::vector<std::string>> List(const YAML::Node& n, const std::string& field,
                                        size_t max) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      CM_ASSIGN_OR_RETURN(auto s, Str(n, field));
      out.push_back(std::move(s));
      return out;
    }
    if (!n.IsSequence()) {
      return Fail(n, field, "expected a list of strings");
    }
    // Checked before reading: an alias can name a long list many times.
    if (n.size() > max) {
      return Fail(n, field, fmt::format("{} entries; at most {} are allowed", n.size(), max));
    }
    for (const auto& item : n) {
      CM_ASSIGN_OR_RETURN(auto s, Str(item, field));
      out.push_back(std::move(s));
    }
    return out;
  }

  // Wraps a validation Result so its error names the node and field.
  template <typename T>
  Result<T> At(Result<T> r, const YAML::Node& n, const std::string& field) const {
    if (!r) {
      return Fail(n, field, r.error().message());
    }
    return r;
  }

  // `subject` and `alias`: templates in which {name} stands for the
  // identity's name and {n} for its number in a group.
  struct Template {
    std::string text;
    YAML::Node node;
    std::string field;
  };
  struct Naming {
    std::optional<Template> subject;
    std::optional<Template> alias;
  };

  Status ReadNaming(const YAML::Node& n, const std::string& field, Naming& naming) const {
    for (auto [key, slot] :
         {std::pair{"subject", &naming.subject}, std::pair{"alias", &naming.alias}}) {
      if (const YAML::Node v = n[key]) {
        CM_ASSIGN_OR_RETURN(auto text, Str(v, field + "." + key));
        *slot = Template{std::move(text), v, field + "." + key};
      }
    }
    return {};
  }

  // `naming` for one identity: spec.subject and spec.alias.
  Status ApplyNaming(const Naming& naming, const std::optional<std::string>& number,
                     const YAML::Node& name_node, const std::string& field,
                     IdentitySpec& spec) const {
    const auto expand = [&](const Template& t) -> Result<std::string> {
      return At(ExpandNameTemplate(t.text, spec.name, number), t.node, t.field);
    };
    if (naming.subject) {
      CM_ASSIGN_OR_RETURN(auto text, expand(*naming.subject));
      CM_ASSIGN_OR_RETURN(spec.subject, At(DistinguishedName::Parse(text), naming.subject->node,
                                           naming.subject->field));
    }
    if (naming.alias) {
      CM_ASSIGN_OR_RETURN(auto text, expand(*naming.alias));
      CM_RETURN_IF_ERROR(At(ValidateKeyAlias(text), naming.alias->node, naming.alias->field));
      spec.alias = NormalizeAlias(text);
    } else if (auto st = ValidateKeyAlias(KeyAliasFor(spec.name, "")); !st) {
      return Fail(name_node, field + ".name",
                  fmt::format("{} (as the default alias; give this identity an alias)",
                              st.error().message()));
    }
    return {};
  }

  // Settings an identity takes from `defaults` and may override.
  Status Settings(const YAML::Node& n, const std::string& field, IdentitySpec& spec) const {
    if (n["key_type"]) {
      CM_ASSIGN_OR_RETURN(auto t, Str(n["key_type"], field + ".key_type"));
      CM_ASSIGN_OR_RETURN(spec.key_type, At(ParseKeySpec(t), n["key_type"], field + ".key_type"));
    }
    if (n["days"]) {
      CM_ASSIGN_OR_RETURN(spec.days, Days(n["days"], field + ".days"));
    }
    if (n["role"]) {
      CM_ASSIGN_OR_RETURN(auto r, Str(n["role"], field + ".role"));
      CM_ASSIGN_OR_RETURN(spec.role, At(ParseRole(r), n["role"], field + ".role"));
    }
    if (n["formats"]) {
      CM_ASSIGN_OR_RETURN(auto list, List(n["formats"], field + ".formats", kMaxFormats));
      CM_ASSIGN_OR_RETURN(auto formats,
                          At(ParseFormatNames(list), n["formats"], field + ".formats"));
      spec.formats = std::move(formats.stores);
      spec.kubernetes = formats.kubernetes;
    }
    if (const YAML::Node k = n["kafka"]) {
      CM_RETURN_IF_ERROR(ReadKafka(k, field + ".kafka", spec.kafka));
    }
    if (n["install_dir"]) {
      CM_ASSIGN_OR_RETURN(spec.install_dir, Str(n["install_dir"], field + ".install_dir"));
      // It is written into librdkafka.properties, which has no escapes.
      if (std::any_of(spec.install_dir.begin(), spec.install_dir.end(),
                      [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; })) {
        return Fail(n["install_dir"], field + ".install_dir",
                    "control characters (a line break) are not allowed");
      }
    }
    if (n["p12_profile"]) {
      CM_ASSIGN_OR_RETURN(auto p, Str(n["p12_profile"], field + ".p12_profile"));
      CM_ASSIGN_OR_RETURN(spec.pkcs12.profile,
                          At(ParsePkcs12Profile(p), n["p12_profile"], field + ".p12_profile"));
    }
    if (const YAML::Node b = n["passwordless_truststore"]) {
      if (!b.IsScalar() || !YAML::convert<bool>::decode(b, spec.pkcs12.passwordless)) {
        return Fail(b, field + ".passwordless_truststore", "expected true or false");
      }
    }
    return Hook(n, field, spec);
  }

  // `exec` and `exec_timeout`: the reload hook (identity/reload_hook.h).
  Status Hook(const YAML::Node& n, const std::string& field, IdentitySpec& spec) const {
    if (n["exec"]) {
      CM_ASSIGN_OR_RETURN(spec.exec, Str(n["exec"], field + ".exec"));
      if (spec.exec.find_first_not_of(" \t") == std::string::npos) {
        return Fail(n["exec"], field + ".exec", "give a command (run with /bin/sh -c)");
      }
    }
    if (n["exec_timeout"]) {
      CM_ASSIGN_OR_RETURN(spec.exec_timeout, Int(n["exec_timeout"], field + ".exec_timeout", 1,
                                                 static_cast<int>(kMaxHookTimeout.count())));
    }
    return {};
  }

  // A `kafka` mapping (defaults or an identity): listener, port, controller.
  Status ReadKafka(const YAML::Node& k, const std::string& field, KafkaServerSettings& s) const {
    CM_RETURN_IF_ERROR(Keys(k, field, {"listener", "port", "controller"}));
    if (k["listener"]) {
      CM_ASSIGN_OR_RETURN(auto l, Str(k["listener"], field + ".listener"));
      CM_ASSIGN_OR_RETURN(s.listener, At(ParseListenerName(l), k["listener"], field + ".listener"));
    }
    if (k["port"]) {
      CM_ASSIGN_OR_RETURN(s.port, Int(k["port"], field + ".port", 1, 65535));
    }
    if (const YAML::Node b = k["controller"]) {
      if (!b.IsScalar() || !YAML::convert<bool>::decode(b, s.controller)) {
        return Fail(b, field + ".controller", "expected true or false");
      }
    }
    return {};
  }

  // The `kubernetes` section, into `defaults` (every identity's).
  Status ReadKubernetes(const YAML::Node& k, IdentitySpec& defaults) const {
    CM_RETURN_IF_ERROR(Keys(k, "kubernetes", {"namespace", "strimzi_cluster"}));
    if (k["namespace"]) {
      CM_ASSIGN_OR_RETURN(defaults.kubernetes_namespace,
                          Str(k["namespace"], "kubernetes.namespace"));
      CM_RETURN_IF_ERROR(At(CheckKubernetesNamespace(defaults.kubernetes_namespace), k["namespace"],
                            "kubernetes.namespace"));
    }
    if (k["strimzi_cluster"]) {
      CM_ASSIGN_OR_RETURN(auto c, Str(k["strimzi_cluster"], "kubernetes.strimzi_cluster"));
      // Its Secrets are named CLUSTER-clients-ca-cert: a name with room for that.
      CM_ASSIGN_OR_RETURN(defaults.strimzi_cluster, At(KubernetesName(c), k["strimzi_cluster"],
                                                       "kubernetes.strimzi_cluster"));
      if (defaults.strimzi_cluster.size() > 200) {
        return Fail(k["strimzi_cluster"], "kubernetes.strimzi_cluster", "too long");
      }
    }
    return {};
  }

  // The `ca` section.
  Status ReadCa(const YAML::Node& ca, CaSpec& spec) const {
    CM_RETURN_IF_ERROR(
        Keys(ca, "ca", {"subject", "key_type", "days", "renewal_window_days", "url"}));
    if (ca["url"]) {
      CM_ASSIGN_OR_RETURN(auto u, Str(ca["url"], "ca.url"));
      CM_ASSIGN_OR_RETURN(spec.url, At(ParseStatusUrl(u, "url"), ca["url"], "ca.url"));
    }
    if (ca["subject"]) {
      CM_ASSIGN_OR_RETURN(auto s, Str(ca["subject"], "ca.subject"));
      CM_ASSIGN_OR_RETURN(spec.subject,
                          At(DistinguishedName::Parse(s), ca["subject"], "ca.subject"));
    }
    if (ca["key_type"]) {
      CM_ASSIGN_OR_RETURN(auto t, Str(ca["key_type"], "ca.key_type"));
      CM_ASSIGN_OR_RETURN(spec.key_type, At(ParseKeySpec(t), ca["key_type"], "ca.key_type"));
    }
    if (ca["days"]) {
      CM_ASSIGN_OR_RETURN(spec.days, Days(ca["days"], "ca.days"));
    }
    if (ca["renewal_window_days"]) {
      CM_ASSIGN_OR_RETURN(spec.renewal_window_days,
                          Int(ca["renewal_window_days"], "ca.renewal_window_days", 0, 36500));
    }
    return {};
  }

  // An item of `identities` as written: a name, with {n} for a group, and
  // what every identity it stands for gets.
  struct Entry {
    YAML::Node node;
    std::string field;
    std::string name;
    IdentitySpec base;
    Naming naming;
    std::vector<std::string> dns;
    std::vector<std::string> ips;
    bool group = false;
  };

  // The identity numbered `num` of an entry; `names` are those defined so far.
  Result<IdentitySpec> Instantiate(const Entry& e, const std::string& num,
                                   std::set<std::string>& names) const {
    const YAML::Node& n = e.node;
    auto subst = [&](const std::string& s) { return ReplaceAll(s, "{n}", num); };
    IdentitySpec spec = e.base;
    spec.name = subst(e.name);
    spec.where = Where(n);
    CM_RETURN_IF_ERROR(At(ValidateIdentityName(spec.name), n["name"], e.field + ".name"));
    if (!names.insert(spec.name).second) {
      return Fail(n["name"], e.field + ".name",
                  fmt::format("identity '{}' is defined twice", spec.name));
    }
    CM_RETURN_IF_ERROR(ApplyNaming(e.naming,
                                   e.group ? std::optional<std::string>(num) : std::nullopt,
                                   n["name"], e.field, spec));
    for (const auto& d : e.dns) {
      CM_ASSIGN_OR_RETURN(auto v, At(ParseDnsName(subst(d)), n["dns"], e.field + ".dns"));
      spec.sans.dns.push_back(std::move(v));
    }
    for (const auto& ip : e.ips) {
      CM_ASSIGN_OR_RETURN(auto v, At(ParseIpAddress(subst(ip)), n["ip"], e.field + ".ip"));
      spec.sans.ips.push_back(std::move(v));
    }
    spec.sans.RemoveDuplicates();
    return spec;
  }

  // Refuses an entry that would take the manifest past its bounds
  // (manifest.h), before any of its `count` identities is made; counts it.
  Status Bound(const Entry& e, int count, const Manifest& m) {
    const YAML::Node& n = e.node;
    const size_t names = e.dns.size() + e.ips.size();
    if (names > kMaxNamesPerIdentity) {
      return Fail(n, e.field,
                  fmt::format("{} names (dns and ip) for one identity; at most {} are allowed",
                              names, kMaxNamesPerIdentity));
    }
    const size_t n_ids = static_cast<size_t>(count);
    if (m.identities.size() + n_ids > kMaxManifestIdentities) {
      return Fail(
          n, e.field,
          fmt::format("{} identities in all, with the {} before; a manifest may hold at "
                      "most {}",
                      m.identities.size() + n_ids, m.identities.size(), kMaxManifestIdentities));
    }
    if (expanded_names_ + n_ids * names > kMaxManifestNames) {
      return Fail(n, e.field,
                  fmt::format("{} identities with {} names (dns and ip) each take the manifest to "
                              "{} names in all; at most {} are allowed",
                              n_ids, names, expanded_names_ + n_ids * names, kMaxManifestNames));
    }
    expanded_names_ += n_ids * names;
    return {};
  }

  // One item of `identities` (`field`), one identity or a group, into `m`.
  Status ReadIdentities(const YAML::Node& n, const std::string& field, const IdentitySpec& defaults,
                        const Naming& default_naming, std::set<std::string>& names, Manifest& m) {
    CM_RETURN_IF_ERROR(Keys(n, field,
                            {"name", "count", "start", "dns", "ip", "key_type", "days", "role",
                             "formats", "install_dir", "p12_profile", "passwordless_truststore",
                             "subject", "alias", "kafka", "exec", "exec_timeout"}));
    if (!n["name"]) {
      return Fail(n, field + ".name", "missing");
    }
    Entry e{n, field, "", defaults, default_naming, {}, {}, false};
    CM_ASSIGN_OR_RETURN(e.name, Str(n["name"], field + ".name"));
    CM_RETURN_IF_ERROR(Settings(n, field, e.base));
    CM_RETURN_IF_ERROR(ReadNaming(n, field, e.naming));
    if (n["dns"]) {
      CM_ASSIGN_OR_RETURN(e.dns, List(n["dns"], field + ".dns", kMaxNamesPerIdentity));
    }
    if (n["ip"]) {
      CM_ASSIGN_OR_RETURN(e.ips, List(n["ip"], field + ".ip", kMaxNamesPerIdentity));
    }
    e.group = e.name.find("{n}") != std::string::npos;
    int count = 1;
    int start = 1;
    if (n["count"]) {
      CM_ASSIGN_OR_RETURN(count, Int(n["count"], field + ".count", 1, kMaxGroupCount));
    }
    if (n["start"]) {
      CM_ASSIGN_OR_RETURN(start, Int(n["start"], field + ".start", 0, 1000000000));
    }
    if (e.group != static_cast<bool>(n["count"])) {
      return Fail(
          n, field,
          e.group ? "a name with {n} needs a count" : "count needs a name pattern with {n}");
    }
    CM_RETURN_IF_ERROR(Bound(e, count, m));
    for (int k = 0; k < count; ++k) {
      CM_ASSIGN_OR_RETURN(auto spec, Instantiate(e, std::to_string(start + k), names));
      m.identities.push_back(std::move(spec));
    }
    return {};
  }

  Result<Manifest> Parse(const YAML::Node& root) {
    Manifest m;
    m.path = path_;
    CM_RETURN_IF_ERROR(Keys(root, "", {"ca", "defaults", "kubernetes", "identities"}));
    m.ca.subject = DistinguishedName::Parse("CN=certmint CA").value();
    if (const YAML::Node ca = root["ca"]) {
      CM_RETURN_IF_ERROR(ReadCa(ca, m.ca));
    }
    IdentitySpec defaults;
    Naming default_naming;
    if (const YAML::Node d = root["defaults"]) {
      CM_RETURN_IF_ERROR(
          Keys(d, "defaults",
               {"key_type", "days", "role", "formats", "install_dir", "p12_profile",
                "passwordless_truststore", "subject", "alias", "kafka", "exec", "exec_timeout"}));
      CM_RETURN_IF_ERROR(Settings(d, "defaults", defaults));
      CM_RETURN_IF_ERROR(ReadNaming(d, "defaults", default_naming));
    }
    if (const YAML::Node k = root["kubernetes"]) {
      CM_RETURN_IF_ERROR(ReadKubernetes(k, defaults));
    }
    const YAML::Node ids = root["identities"];
    if (!ids || !ids.IsSequence() || ids.size() == 0) {
      return Fail(ids ? ids : root, "identities", "expected a non-empty list");
    }
    std::set<std::string> names;
    for (size_t i = 0; i < ids.size(); ++i) {
      CM_RETURN_IF_ERROR(ReadIdentities(ids[i], fmt::format("identities[{}]", i), defaults,
                                        default_naming, names, m));
    }
    ConnectServers(m);
    return m;
  }

 private:
  std::string path_;
  size_t expanded_names_ = 0;  // dns and ip entries of the identities so far
};

}  // namespace

Result<Manifest> ParseManifest(const std::string& text, const std::string& path) {
  Parser parser(path);
  try {
    CM_RETURN_IF_ERROR(CheckNodeCount(text, path));
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: expected a mapping with ca, defaults and identities", path));
    }
    return parser.Parse(root);
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

KafkaServerSettings KafkaSettingsOf(const IdentitySpec& spec) {
  KafkaServerSettings s = spec.kafka;
  if (spec.kafka_cluster) {
    s.super_users = spec.kafka_cluster->super_users;
    s.controllers = spec.kafka_cluster->controllers;
    if (!s.controller) {
      s.controller_listener = spec.kafka_cluster->controller_listener;
    }
  }
  return s;
}

Result<Manifest> LoadManifest(const std::string& path) {
  CM_ASSIGN_OR_RETURN(auto text, fs::ReadFile(path, kMaxManifestBytes));
  return ParseManifest(text, path);
}

}  // namespace certmint
