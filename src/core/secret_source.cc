#include "core/secret_source.h"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "core/fs.h"

namespace certmint {
namespace {

// Reads one line from the terminal with echo off.
SecretString PromptNoEcho(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old_tio{};
  const bool have_tio = tcgetattr(STDIN_FILENO, &old_tio) == 0;
  if (have_tio) {
    termios tio = old_tio;
    tio.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &tio);
  }
  std::string line;
  int c;
  while ((c = std::fgetc(stdin)) != EOF && c != '\n') {
    line.push_back(static_cast<char>(c));
  }
  if (have_tio) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old_tio);
  }
  std::cerr << "\n";
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  SecretString s(line);
  Cleanse(line);
  return s;
}

}  // namespace

Result<SecretString> ReadSecretFile(const std::string& path, std::string_view label) {
  auto data = fs::ReadFile(path, 4096);
  if (!data) {
    data.error().AddContext(std::string(label));
    return tl::unexpected(data.error());
  }
  // One line: the secret, without its line ending.
  std::string& d = *data;
  size_t end = d.find('\n');
  if (end == std::string::npos) {
    end = d.size();
  }
  if (end > 0 && d[end - 1] == '\r') {
    --end;
  }
  SecretString s(std::string_view(d).substr(0, end));
  Cleanse(d);
  if (s.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} {}: the file is empty", label, path));
  }
  return s;
}

std::optional<SecretString> SecretFromEnv(const char* name) {
  if (const char* v = std::getenv(name); v != nullptr && *v != '\0') {
    return SecretString(v);
  }
  return std::nullopt;
}

Result<SecretString> PromptSecret(const std::string& prompt, bool confirm) {
  SecretString first = PromptNoEcho(prompt + ": ");
  if (confirm) {
    SecretString second = PromptNoEcho("Repeat " + prompt + ": ");
    if (first.reveal() != second.reveal()) {
      return MakeError(ErrorCode::kInvalidArgument, "the passwords do not match");
    }
  }
  if (first.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "empty password");
  }
  return first;
}

Result<std::optional<SecretString>> ReadSecret(const SecretSource& source) {
  if (!source.file.empty()) {
    CM_ASSIGN_OR_RETURN(auto secret, ReadSecretFile(source.file, source.flag_name));
    return std::optional<SecretString>(std::move(secret));
  }
  if (source.env != nullptr) {
    if (auto secret = SecretFromEnv(source.env)) {
      return secret;
    }
  }
  if (!source.prompt.empty() && isatty(STDIN_FILENO) == 1) {
    CM_ASSIGN_OR_RETURN(auto secret, PromptSecret(source.prompt, source.confirm));
    return std::optional<SecretString>(std::move(secret));
  }
  return std::optional<SecretString>();
}

std::string SecretOrigin(const SecretSource& source) {
  if (!source.file.empty()) {
    return source.flag_name + " " + source.file;
  }
  if (source.env != nullptr && SecretFromEnv(source.env)) {
    return source.env;
  }
  return source.prompt;
}

std::string MissingSecretMessage(const SecretSource& source, std::string_view what) {
  std::vector<std::string> places;
  if (!source.flag_name.empty()) {
    places.push_back("give " + source.flag_name + " FILE");
  }
  if (source.env != nullptr) {
    places.push_back(std::string("set ") + source.env);
  }
  if (!source.prompt.empty()) {
    places.push_back("run on a terminal to be prompted");
  }
  std::string out = "no " + std::string(what) + ":";
  for (size_t i = 0; i < places.size(); ++i) {
    out += i == 0 ? " " : (i + 1 == places.size() ? ", or " : ", ");
    out += places[i];
  }
  return out;
}

Result<SecretString> RequireSecret(Result<std::optional<SecretString>> read,
                                   const SecretSource& source, std::string_view what) {
  CM_ASSIGN_OR_RETURN(auto secret, std::move(read));
  if (!secret) {
    return MakeError(ErrorCode::kInvalidArgument, MissingSecretMessage(source, what));
  }
  return std::move(*secret);
}

Result<SecretString> ReadRequiredSecret(const SecretSource& source, std::string_view what) {
  return RequireSecret(ReadSecret(source), source, what);
}

}  // namespace certmint
