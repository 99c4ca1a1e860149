// File-system operations with certmint's guarantees: every file is written
// atomically (temporary file in the same directory, fsync, rename, fsync of
// the directory) with the mode given, whatever the umask; directories are
// created 0700.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/fd.h"

namespace certmint::fs {

inline constexpr mode_t kPrivateFile = 0600;
inline constexpr mode_t kPublicFile = 0644;
inline constexpr mode_t kPrivateDir = 0700;

// Reads a whole file of at most `max_size` bytes. kNotFound if it does not
// exist; kIo if unreadable or larger than `max_size`.
Result<std::string> ReadFile(const std::string& path, size_t max_size = 16 * 1024 * 1024);

// Writes all of `data` to `fd`, through short writes and EINTR: 0, or the
// errno of the failed write.
int WriteAll(int fd, std::string_view data);

// Writes `data` to `path` atomically with `mode`. Overwrites an existing file.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode);

// Creates `path` (and missing parents) with mode 0700. An existing directory
// is accepted as it is.
Status EnsureDir(const std::string& path);

// Exists: the path names anything (a dangling symlink too: lstat).
bool Exists(const std::string& path);
bool IsDirectory(const std::string& path);
// IsFile: a regular file, through symlinks (a dangling symlink is not one).
bool IsFile(const std::string& path);

// Syncs the directory `dir` (its entries), as renames into it need.
Status SyncDir(const std::string& dir);

// Creates the new file `path` (O_EXCL: kIo if it exists) with exactly
// `mode`, writes `data` and returns it open and unsynced, for SyncFiles.
Result<UniqueFd> CreateNewFile(const std::string& path, std::string_view data, mode_t mode);

// Syncs every file of `files` (writeback of all started first, so that
// they share journal commits), then the directory `dir` holding them.
// Empties `files`.
Status SyncFiles(std::vector<UniqueFd>& files, const std::string& dir);

// Removes a file or a directory tree; missing paths are ignored.
void RemoveAll(const std::string& path);

// A private (0700) directory beside its final location, filled and then
// moved into place in one rename, so that readers see either nothing or the
// whole thing. Removed with its contents unless committed.
class StagingDir {
 public:
  // Makes `<parent of final_path>/.<basename>.tmp-XXXXXX`.
  static Result<StagingDir> Create(const std::string& final_path);
  ~StagingDir();
  StagingDir(StagingDir&& other) noexcept;
  StagingDir& operator=(StagingDir&&) = delete;
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

  // Writes a new file in the staging directory, with `mode`. No temporary
  // name or rename is needed: nobody sees the directory until Commit, which
  // syncs every file written (all together, after the writes) and the
  // directory before the rename.
  Status WriteFile(std::string_view name, std::string_view data, mode_t mode);

  // Renames the staging directory to the final path. Fails with
  // kAlreadyExists, leaving everything as it was, if the final path exists.
  Status Commit();
  // Swaps the staging directory with the existing final path in one atomic
  // exchange (renameat2 RENAME_EXCHANGE), then removes the old contents:
  // readers see the old directory or the new one, never neither. Falls back
  // to Commit() when the final path does not exist.
  Status CommitReplacing();

 private:
  StagingDir(std::string path, std::string final_path)
      : path_(std::move(path)), final_path_(std::move(final_path)) {}
  Status SyncWritten();
  std::string path_;
  std::string final_path_;
  std::vector<UniqueFd> written_;  // files not yet synced
  bool committed_ = false;
};

// Removes the directory `path` as one step: it is renamed to a staging name
// beside it (which RemoveStaleStaging clears if the rest is interrupted),
// the parent synced, then its contents deleted. Readers see it whole or not
// at all. kNotFound when it does not exist.
Status RemoveDirAtomically(const std::string& path);

// Removes leftovers of interrupted writes in `dir`: entries named
// ".*.tmp-XXXXXX" (staging directories and temporary files). Returns how
// many were removed.
int RemoveStaleStaging(const std::string& dir);

// An exclusive advisory lock (flock) on `path`, created 0600 if missing;
// released when destroyed. kAlreadyExists if another process holds it.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path);
  ~FileLock();
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// The absolute form of a path (not resolving symlinks).
std::string Absolute(const std::string& path);

// The directory part of a path ("." when there is none).
std::string Dirname(const std::string& path);
std::string Basename(const std::string& path);

}  // namespace certmint::fs
