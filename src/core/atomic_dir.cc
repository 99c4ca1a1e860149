#include "core/atomic_dir.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace certmint::fs {
namespace {

std::string Errno(int err) { return std::strerror(err); }

std::string In(const std::string& dir, std::string_view name) {
  return dir + "/" + std::string(name);
}

bool IsSymlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

std::optional<std::string> LinkTarget(const std::string& path) {
  std::error_code ec;
  auto target = std::filesystem::read_symlink(path, ec);
  if (ec) {
    return std::nullopt;
  }
  return target.string();
}

// A generation's directory name: "..2026_11_30_12_00_00.XXXXXX" (mkdtemp
// fills the X).
std::string GenerationTemplate(TimePoint now) {
  const time_t t = std::chrono::system_clock::to_time_t(now);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "..%Y_%m_%d_%H_%M_%S.XXXXXX", &tm);
  return buf;
}

Result<std::string> MakeGeneration(const std::string& parent, TimePoint now) {
  std::string tmpl = In(parent, GenerationTemplate(now));
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {  // 0700
    return MakeError(ErrorCode::kIo,
                     fmt::format("creating a new generation in {}: {}", parent, Errno(errno)));
  }
  return std::string(name.data());
}

// Points `dir`/`name` at `target` in one rename of a fresh symlink over it,
// which watchers see as the name created (IN_MOVED_TO).
Status RenameLinkOver(const std::string& dir, std::string_view name, const std::string& target) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int attempt = 0;; ++attempt) {
    const std::string tmp =
        In(dir, fmt::format(".{}.tmp-{:06x}", name, static_cast<uint32_t>(rng() & 0xffffff)));
    if (::symlink(target.c_str(), tmp.c_str()) != 0) {
      if (errno == EEXIST && attempt < 10) {
        continue;
      }
      return MakeError(ErrorCode::kIo, fmt::format("creating link {}: {}", tmp, Errno(errno)));
    }
    if (::rename(tmp.c_str(), In(dir, name).c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return MakeError(ErrorCode::kIo,
                       fmt::format("renaming link into {}: {}", In(dir, name), Errno(err)));
    }
    return {};
  }
}

bool IsGenerationName(const std::string& name) {
  return name.size() > 2 && name.compare(0, 2, "..") == 0 && name != kDataLink;
}

bool IsTemporaryName(const std::string& name) {
  return name.size() > 12 && name[0] == '.' && name.rfind(".tmp-") == name.size() - 11;
}

}  // namespace

bool HasGenerations(const std::string& dir) { return IsSymlink(In(dir, kDataLink)); }

std::optional<std::string> CurrentGeneration(const std::string& dir) {
  auto target = LinkTarget(In(dir, kDataLink));
  if (!target || target->find('/') != std::string::npos) {
    return std::nullopt;
  }
  return In(dir, *target);
}

// The entries of `dir` (read whole before any is removed).
std::vector<std::string> EntryNames(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(e.path().filename().string());
  }
  return names;
}

void RemoveStaleGenerations(const std::string& dir) {
  const auto current = CurrentGeneration(dir);
  for (const auto& name : EntryNames(dir)) {
    const std::string path = In(dir, name);
    if ((IsGenerationName(name) && path != current) || IsTemporaryName(name)) {
      RemoveAll(path);
    }
  }
}

Result<DirectoryUpdate> DirectoryUpdate::Begin(const std::string& dir, bool replace,
                                               TimePoint now) {
  const bool exists = Exists(dir);
  if (exists && !replace) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", dir));
  }
  if (exists && HasGenerations(dir)) {
    DirectoryUpdate u(Mode::kUpdate, dir);
    CM_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(In(dir, kDirLockName)));
    u.lock_.emplace(std::move(lock));
    RemoveStaleGenerations(dir);
    CM_ASSIGN_OR_RETURN(u.generation_, MakeGeneration(dir, now));
    return u;
  }
  DirectoryUpdate u(exists ? Mode::kMigrate : Mode::kCreate, dir);
  CM_ASSIGN_OR_RETURN(auto staging, StagingDir::Create(dir));
  u.staging_.emplace(std::move(staging));
  CM_ASSIGN_OR_RETURN(u.generation_, MakeGeneration(u.staging_->path(), now));
  return u;
}

DirectoryUpdate::~DirectoryUpdate() {
  written_.clear();
  if (!published_ && mode_ == Mode::kUpdate && !generation_.empty()) {
    RemoveAll(generation_);
  }
}

DirectoryUpdate::DirectoryUpdate(DirectoryUpdate&& other) noexcept
    : mode_(other.mode_),
      dir_(std::move(other.dir_)),
      staging_(std::move(other.staging_)),
      lock_(std::move(other.lock_)),
      generation_(std::move(other.generation_)),
      names_(std::move(other.names_)),
      written_(std::move(other.written_)),
      published_(other.published_) {
  other.generation_.clear();
  other.staging_.reset();
  other.lock_.reset();
}

Status DirectoryUpdate::WriteFile(std::string_view name, std::string_view data, mode_t mode) {
  if (name.empty() || name[0] == '.' || name.find('/') != std::string_view::npos) {
    return MakeError(ErrorCode::kInternal, fmt::format("'{}' cannot name a file here", name));
  }
  CM_ASSIGN_OR_RETURN(auto fd, CreateNewFile(In(generation_, name), data, mode));
  written_.push_back(std::move(fd));
  names_.emplace_back(name);
  return {};
}

Status DirectoryUpdate::Publish() {
  CM_RETURN_IF_ERROR(SyncFiles(written_, generation_));
  return mode_ == Mode::kUpdate ? PublishInPlace() : PublishStaged();
}

// A new (or migrated) directory: the links are made inside the staging
// directory, which then appears (or is exchanged for the old one) in one
// rename.
Status DirectoryUpdate::PublishStaged() {
  const std::string& staged = staging_->path();
  const std::string generation = Basename(generation_);
  if (::symlink(generation.c_str(), In(staged, kDataLink).c_str()) != 0) {
    return MakeError(ErrorCode::kIo, fmt::format("linking {}: {}", staged, Errno(errno)));
  }
  for (const auto& name : names_) {
    const std::string target = std::string(kDataLink) + "/" + name;
    if (::symlink(target.c_str(), In(staged, name).c_str()) != 0) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("linking {}: {}", In(staged, name), Errno(errno)));
    }
  }
  CM_RETURN_IF_ERROR(mode_ == Mode::kCreate ? staging_->Commit() : staging_->CommitReplacing());
  published_ = true;
  return {};
}

Status DirectoryUpdate::PublishInPlace() {
  CM_RETURN_IF_ERROR(RenameLinkOver(dir_, kDataLink, Basename(generation_)));
  CM_RETURN_IF_ERROR(SyncDir(dir_));
  published_ = true;  // the commit point: from here on the new generation is the identity
  for (const auto& name : names_) {
    CM_RETURN_IF_ERROR(RenameLinkOver(dir_, name, std::string(kDataLink) + "/" + name));
  }
  // Links to names the new generation does not have, and old generations.
  const std::string prefix = std::string(kDataLink) + "/";
  for (const auto& name : EntryNames(dir_)) {
    const auto target = LinkTarget(In(dir_, name));
    if (target && target->rfind(prefix, 0) == 0 &&
        std::find(names_.begin(), names_.end(), name) == names_.end()) {
      ::unlink(In(dir_, name).c_str());
    }
  }
  RemoveStaleGenerations(dir_);
  return SyncDir(dir_);
}

}  // namespace certmint::fs
