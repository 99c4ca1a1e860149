#include "cmdline/flag_defaults.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cmdline/command_tree.h"
#include "core/encoding.h"
#include "core/fs.h"

namespace certmint::cmdline {
namespace {

constexpr size_t kMaxFileBytes = 64 * 1024;

std::string NonEmptyEnv(const char* name) {
  const char* v = name == nullptr ? nullptr : std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string Where(const std::string& path, const YAML::Node& node) {
  return fmt::format("{}:{}", PrintableBytes(path, 256), node.Mark().line + 1);
}

// "dir, out, ca_password_file and password_file".
std::string KeyList(const DefaultsSpec& spec) {
  std::string list;
  for (size_t i = 0; i < spec.flags.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == spec.flags.size() ? " and " : ", ");
    list += spec.flags[i].key;
  }
  return list;
}

Status ParseEntry(const DefaultsSpec& spec, const std::string& path, const YAML::Node& key,
                  const YAML::Node& value, DefaultsFile* file) {
  const std::string name = key.IsScalar() ? key.Scalar() : std::string();
  if (std::none_of(spec.flags.begin(), spec.flags.end(),
                   [&](const DefaultedFlag& f) { return f.key == name; })) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: unknown key '{}' ({} takes {})", Where(path, key),
                                 PrintableBytes(name, 64), spec.file_name, KeyList(spec)));
  }
  if (file->values.count(name) > 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: {} is given twice", Where(path, key), name));
  }
  if (!value.IsScalar() || value.Scalar().empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: {} must be a path", Where(path, key), name));
  }
  std::filesystem::path p(value.Scalar());
  if (p.is_relative()) {
    p = std::filesystem::path(file->path).parent_path() / p;
  }
  file->values[name] = p.lexically_normal().string();
  return {};
}

// The nearest `name` from the current directory upwards, or "".
std::string FindUpwards(std::string_view name) {
  std::error_code ec;
  for (auto dir = std::filesystem::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    std::error_code absent;  // not an error: look further up
    if (std::filesystem::is_regular_file(dir / name, absent)) {
      return (dir / name).string();
    }
    if (dir == dir.parent_path()) {
      break;
    }
  }
  return "";
}

// " [default: $CERTMINT_DIR, else dir: in certmint.yaml, else BUILTIN]", or
// " [default: KEY: in FILE, unless $PASSWORD is set]", for a flag's help.
std::string DefaultHelp(const DefaultsSpec& spec, const DefaultedFlag& f,
                        const std::string& builtin) {
  if (f.env_value != nullptr) {
    return fmt::format(" [default: ${}, else {}: in {}{}]", f.env_value, f.key, spec.file_name,
                       builtin.empty() ? "" : ", else " + builtin);
  }
  return fmt::format(" [default: {}: in {}{}]", f.key, spec.file_name,
                     f.env_password ? fmt::format(", unless ${} is set", f.env_password) : "");
}

}  // namespace

Result<DefaultsFile> ParseDefaultsFile(const DefaultsSpec& spec, const std::string& path,
                                       std::string_view text) {
  DefaultsFile file{fs::Absolute(path), {}};
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) {
      return file;  // an empty file
    }
    if (!root.IsMap()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: expected a mapping ({})", Where(path, root), spec.example));
    }
    for (const auto& entry : root) {
      CM_RETURN_IF_ERROR(ParseEntry(spec, path, entry.first, entry.second, &file));
    }
    return file;
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}:{}: {}", PrintableBytes(path, 256), e.mark.line + 1, e.msg));
  }
}

Result<std::optional<DefaultsFile>> LoadDefaultsFile(const DefaultsSpec& spec) {
  std::string path = NonEmptyEnv(std::string(spec.file_env).c_str());
  if (path.empty()) {
    path = FindUpwards(spec.file_name);
  }
  if (path.empty()) {
    return std::optional<DefaultsFile>();
  }
  CM_ASSIGN_OR_RETURN(auto text,
                      WithContext(fs::ReadFile(path, kMaxFileBytes),
                                  fmt::format("reading the settings of {}", spec.file_name)));
  CM_ASSIGN_OR_RETURN(auto file, ParseDefaultsFile(spec, path, text));
  return std::optional<DefaultsFile>(std::move(file));
}

FlagDefaults::FlagDefaults(CLI::App* app, DefaultsSpec spec)
    : program_(app->get_name()), spec_(std::move(spec)) {
  Collect(app);
}

void FlagDefaults::Collect(CLI::App* app) {
  for (CLI::App* cmd : app->get_subcommands([](CLI::App*) { return true; })) {
    for (size_t i = 0; i < spec_.flags.size(); ++i) {
      const DefaultedFlag& f = spec_.flags[i];
      CLI::Option* opt = cmd->get_option_no_throw(std::string(f.flag));
      if (opt == nullptr || (!f.only.empty() && std::find(f.only.begin(), f.only.end(),
                                                          CommandPath(*cmd)) == f.only.end())) {
        continue;
      }
      slots_.push_back({opt, cmd, i, opt->get_required()});
      opt->required(false);
      opt->description(opt->get_description() + DefaultHelp(spec_, f, opt->get_default_str()));
    }
    Collect(cmd);
  }
}

void FlagDefaults::RestoreRequired() {
  for (const Slot& s : slots_) {
    s.option->required(s.required);
  }
}

Status FlagDefaults::Apply(std::ostream& notes) {
  std::optional<Result<std::optional<DefaultsFile>>> file;  // read when first needed
  for (const Slot& s : slots_) {
    const DefaultedFlag& f = spec_.flags[s.flag];
    if (!s.command->parsed() || s.option->count() > 0) {
      continue;
    }
    const CLI::Option* unless =
        f.unless.empty() ? nullptr : s.command->get_option_no_throw(std::string(f.unless));
    if (unless != nullptr && unless->count() > 0) {
      continue;
    }
    std::string value = NonEmptyEnv(f.env_value);
    std::string from = value.empty() ? "" : fmt::format("${}", f.env_value);
    if (value.empty() && NonEmptyEnv(f.env_password).empty()) {
      if (!file) {
        file = LoadDefaultsFile(spec_);
      }
      if (!*file) {
        return tl::unexpected(file->error());
      }
      if (const std::optional<DefaultsFile>& d = **file;
          d && d->values.count(std::string(f.key)) > 0) {
        value = d->values.at(std::string(f.key));
        from = fmt::format("{} at {}", spec_.file_name, d->path);
      }
    }
    if (value.empty()) {
      if (s.required) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("{} is required (or {}{}: in {})", f.flag,
                                     f.env_value ? fmt::format("${}, or ", f.env_value) : "", f.key,
                                     spec_.file_name));
      }
      continue;
    }
    s.option->add_result(value);
    s.option->run_callback();
    notes << fmt::format("{}: {} {} (from {})\n", program_, f.flag, PrintableBytes(value, 256),
                         PrintableBytes(from, 256));
  }
  return {};
}

}  // namespace certmint::cmdline
