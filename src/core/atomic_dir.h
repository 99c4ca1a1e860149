// A directory whose files are all replaced at once, in the layout of
// Kubernetes's atomic writer (the one behind mounted Secrets), so that file
// watchers keep watching it and no reader sees files of two generations:
//
//   DIR/                            0700, never replaced once it exists
//     ..2026_11_30_12_00_00.Ab3xYz/ 0700  the files of one generation
//     ..data -> ..2026_11_30_12_00_00.Ab3xYz   swapped in one rename(2)
//     keystore.jks -> ..data/keystore.jks      one symlink per file
//     .certmint.lock                the writers' lock (flock)
//
// Publishing a new generation: its files are written and synced in a new
// `..TIMESTAMP.XXXXXX` directory; a symlink to it is renamed over `..data`
// (the commit point: before it every name resolves to the old generation,
// after it every name to the new one); then a fresh symlink is renamed over
// each visible name, although it reads the same, because watchers such as
// ZooKeeper's and Java's WatchService-based reloaders only react to an
// event naming the file they watch (IN_MOVED_TO, seen as ENTRY_CREATE);
// last, names the new generation lacks and the old generations go.
//
// A directory that does not exist yet is staged whole beside its final
// path and appears in one rename, in this layout. One in the old layout
// (plain files, written by an older certmint) is migrated by one last
// whole-directory exchange (StagingDir::CommitReplacing): readers see the
// old or the new directory, but a watcher on the old one loses it, once.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/fs.h"

namespace certmint::fs {

inline constexpr std::string_view kDataLink = "..data";
inline constexpr std::string_view kDirLockName = ".certmint.lock";

// Whether `dir` is in the atomic-writer layout (has a `..data` symlink).
bool HasGenerations(const std::string& dir);

// The generation directory `dir`'s `..data` points to (a full path), or
// nullopt without one.
std::optional<std::string> CurrentGeneration(const std::string& dir);

// One new generation of a directory's files, published all at once.
class DirectoryUpdate {
 public:
  // Begins a new generation of `dir`, named after `now` (UTC). Without
  // `replace`, kAlreadyExists if `dir` exists. Updating a directory in the
  // layout takes its lock (kAlreadyExists while another writer holds it)
  // and first removes what an interrupted writer left (generations that
  // `..data` does not point to, temporary names).
  static Result<DirectoryUpdate> Begin(const std::string& dir, bool replace, TimePoint now);
  ~DirectoryUpdate();
  DirectoryUpdate(DirectoryUpdate&& other) noexcept;
  DirectoryUpdate& operator=(DirectoryUpdate&&) = delete;
  DirectoryUpdate(const DirectoryUpdate&) = delete;
  DirectoryUpdate& operator=(const DirectoryUpdate&) = delete;

  // Writes the new file `name` (a plain name, each once) of the new
  // generation with exactly `mode`. Nobody sees it before Publish.
  Status WriteFile(std::string_view name, std::string_view data, mode_t mode);

  // Publishes the new generation as described at the top of this file. On
  // an error before the commit point the old generation stays, whole; the
  // new one is removed.
  Status Publish();

 private:
  enum class Mode { kCreate, kMigrate, kUpdate };
  DirectoryUpdate(Mode mode, std::string dir) : mode_(mode), dir_(std::move(dir)) {}
  Status PublishStaged();
  Status PublishInPlace();

  Mode mode_;
  std::string dir_;
  std::optional<StagingDir> staging_;  // kCreate and kMigrate: the whole new directory
  std::optional<FileLock> lock_;       // kUpdate
  std::string generation_;             // full path of the new generation's directory
  std::vector<std::string> names_;
  std::vector<UniqueFd> written_;
  bool published_ = false;
};

// Removes what an interrupted DirectoryUpdate left in `dir`: generations
// that `..data` does not point to and temporary names (".*.tmp-XXXXXX").
void RemoveStaleGenerations(const std::string& dir);

}  // namespace certmint::fs
