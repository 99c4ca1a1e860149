// A fresh directory for one test, removed afterwards.
#pragma once

#include <string>
#include <vector>

namespace certmint::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes a file (mode 0600), for fixtures such as password files.
void WriteTextFile(const std::string& path, const std::string& content);
std::string ReadTextFile(const std::string& path);
// File mode bits (0777 mask); -1 if missing.
int FileMode(const std::string& path);
// Names in a directory, sorted; hidden ones included.
std::vector<std::string> ListDir(const std::string& path);

}  // namespace certmint::testing
