#include "cli/flag_defaults.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "cli/discover.h"
#include "cli/passwords.h"
#include "core/encoding.h"
#include "core/fs.h"

namespace certmint::cli {
namespace {

constexpr const char* kConfigName = "certmint.yaml";
constexpr const char* kConfigEnv = "CERTMINT_CONFIG";
constexpr size_t kMaxConfigBytes = 64 * 1024;

// A flag that takes a default, the certmint.yaml key that gives it, and the
// environment: the variable that gives it (dir, out), or the one holding
// the password itself, which wins over the file (the password files).
struct DefaultedFlag {
  const char* flag;
  const char* key;
  const char* env_value;     // the flag's value
  const char* env_password;  // the password itself: the file's key is then not used
  bool identity_commands_only;
};
constexpr DefaultedFlag kFlags[] = {
    {"--dir", "dir", "CERTMINT_DIR", nullptr, false},
    {"--out", "out", "CERTMINT_OUT", nullptr, true},
    {"--ca-password-file", "ca_password_file", nullptr, kCaPasswordEnv, false},
    {"--password-file", "password_file", nullptr, kStorePasswordEnv, true},
};

// Where --out is the parent directory of identity directories (OUT/NAME/)
// and --password-file their store password. Elsewhere --out is a file or
// another kind of directory (crl, sign, csr, token create) and
// --password-file a given store's (inspect, convert, the keystore edits).
bool IsIdentityCommand(const CLI::App& cmd) {
  static const std::set<std::string> kPaths{
      "certmint issue",  "certmint apply",     "certmint renew",
      "certmint enroll", "certmint ca retire", "certmint keystore install",
      "certmint verify", "certmint handshake", "certmint probe"};
  return kPaths.count(CommandPath(cmd)) > 0;
}

std::string NonEmptyEnv(const char* name) {
  const char* v = name == nullptr ? nullptr : std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string Where(const std::string& path, const YAML::Node& node) {
  return fmt::format("{}:{}", PrintableBytes(path, 256), node.Mark().line + 1);
}

Status ParseEntry(const std::string& path, const YAML::Node& key, const YAML::Node& value,
                  CliConfig* config) {
  static const std::set<std::string> kKeys{"dir", "out", "ca_password_file", "password_file"};
  const std::string name = key.IsScalar() ? key.Scalar() : std::string();
  if (kKeys.count(name) == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: unknown key '{}' (certmint.yaml takes dir, out, "
                                 "ca_password_file and password_file)",
                                 Where(path, key), PrintableBytes(name, 64)));
  }
  if (config->values.count(name) > 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: {} is given twice", Where(path, key), name));
  }
  if (!value.IsScalar() || value.Scalar().empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: {} must be a path", Where(path, key), name));
  }
  std::filesystem::path p(value.Scalar());
  if (p.is_relative()) {
    p = std::filesystem::path(config->path).parent_path() / p;
  }
  config->values[name] = p.lexically_normal().string();
  return {};
}

}  // namespace

Result<CliConfig> ParseCliConfig(const std::string& path, std::string_view text) {
  CliConfig config{fs::Absolute(path), {}};
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) {
      return config;  // an empty file
    }
    if (!root.IsMap()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: expected a mapping (dir: pki, out: certs, ...)", Where(path, root)));
    }
    for (const auto& entry : root) {
      CM_RETURN_IF_ERROR(ParseEntry(path, entry.first, entry.second, &config));
    }
    return config;
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}:{}: {}", PrintableBytes(path, 256), e.mark.line + 1, e.msg));
  }
}

Result<std::optional<CliConfig>> LoadCliConfig() {
  std::string path = NonEmptyEnv(kConfigEnv);
  if (path.empty()) {
    std::error_code ec;
    for (auto dir = std::filesystem::current_path(ec); !ec && !dir.empty();
         dir = dir.parent_path()) {
      std::error_code absent;  // not an error: look further up
      if (std::filesystem::is_regular_file(dir / kConfigName, absent)) {
        path = (dir / kConfigName).string();
        break;
      }
      if (dir == dir.parent_path()) {
        break;
      }
    }
    if (path.empty()) {
      return std::optional<CliConfig>();
    }
  }
  CM_ASSIGN_OR_RETURN(auto text,
                      WithContext(fs::ReadFile(path, kMaxConfigBytes),
                                  fmt::format("reading the settings of {}", kConfigName)));
  CM_ASSIGN_OR_RETURN(auto config, ParseCliConfig(path, text));
  return std::optional<CliConfig>(std::move(config));
}

FlagDefaults::FlagDefaults(CLI::App* app) {
  for (CLI::App* cmd : app->get_subcommands([](CLI::App*) { return true; })) {
    for (const DefaultedFlag& f : kFlags) {
      CLI::Option* opt = cmd->get_option_no_throw(f.flag);
      if (opt == nullptr || (f.identity_commands_only && !IsIdentityCommand(*cmd))) {
        continue;
      }
      slots_.push_back({opt, cmd, f.key, opt->get_required()});
      opt->required(false);
      const std::string builtin = opt->get_default_str();
      opt->description(opt->get_description() +
                       (f.env_value
                            ? fmt::format(" [default: ${}, else {}: in {}{}]", f.env_value, f.key,
                                          kConfigName, builtin.empty() ? "" : ", else " + builtin)
                            : fmt::format(" [default: {}: in {}, unless ${} is set]", f.key,
                                          kConfigName, f.env_password)));
    }
    FlagDefaults below(cmd);
    slots_.insert(slots_.end(), below.slots_.begin(), below.slots_.end());
  }
}

void FlagDefaults::RestoreRequired() {
  for (const Slot& s : slots_) {
    s.option->required(s.required);
  }
}

Status FlagDefaults::Apply(std::ostream& notes) {
  std::optional<Result<std::optional<CliConfig>>> config;  // read when first needed
  for (const Slot& s : slots_) {
    if (!s.command->parsed() || s.option->count() > 0) {
      continue;
    }
    const DefaultedFlag& f = *std::find_if(std::begin(kFlags), std::end(kFlags),
                                           [&](const DefaultedFlag& d) { return d.key == s.key; });
    const CLI::Option* server = s.command->get_option_no_throw("--server");
    if (server != nullptr && server->count() > 0 && !f.identity_commands_only) {
      continue;  // renew --server: the CA service signs; no CA directory or password
    }
    std::string value = NonEmptyEnv(f.env_value);
    std::string from = value.empty() ? "" : fmt::format("${}", f.env_value);
    if (value.empty() && NonEmptyEnv(f.env_password).empty()) {
      if (!config) {
        config = LoadCliConfig();
      }
      if (!*config) {
        return tl::unexpected(config->error());
      }
      if (const std::optional<CliConfig>& c = **config; c && c->values.count(s.key) > 0) {
        value = c->values.at(s.key);
        from = fmt::format("{} at {}", kConfigName, c->path);
      }
    }
    if (value.empty()) {
      if (s.required) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("{} is required (or {}{}: in {})", f.flag,
                                     f.env_value ? fmt::format("${}, or ", f.env_value) : "", s.key,
                                     kConfigName));
      }
      continue;
    }
    s.option->add_result(value);
    s.option->run_callback();
    notes << fmt::format("certmint: {} {} (from {})\n", f.flag, PrintableBytes(value, 256),
                         PrintableBytes(from, 256));
  }
  return {};
}

}  // namespace certmint::cli
