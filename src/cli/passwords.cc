#include "cli/passwords.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "core/fs.h"
#include "identity/identity.h"

namespace certmint::cli {
namespace {

constexpr const char* kTrapNames[] = {"--password",   "--ca-password", "--pass",
                                      "--storepass",  "--keypass",     "--store-password",
                                      "--key-password"};

// Reads one line from the terminal with echo off.
Result<SecretString> PromptNoEcho(const std::string& prompt) {
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

Result<std::optional<SecretString>> ReadSecret(const SecretSource& source) {
  if (!source.file.empty()) {
    auto data = fs::ReadFile(source.file, 4096);
    if (!data) {
      data.error().AddContext(source.flag_name);
      return tl::unexpected(data.error());
    }
    // One line: the password, without its line ending.
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
                       fmt::format("{} {}: the file is empty", source.flag_name, source.file));
    }
    return std::optional<SecretString>(std::move(s));
  }
  if (source.env != nullptr) {
    if (const char* v = std::getenv(source.env); v != nullptr && *v != '\0') {
      return std::optional<SecretString>(SecretString(v));
    }
  }
  if (!source.prompt.empty() && isatty(STDIN_FILENO) == 1) {
    CM_ASSIGN_OR_RETURN(auto first, PromptNoEcho(source.prompt + ": "));
    if (source.confirm) {
      CM_ASSIGN_OR_RETURN(auto second, PromptNoEcho("Repeat " + source.prompt + ": "));
      if (first.reveal() != second.reveal()) {
        return MakeError(ErrorCode::kInvalidArgument, "the passwords do not match");
      }
    }
    if (first.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "empty password");
    }
    return std::optional<SecretString>(std::move(first));
  }
  return std::optional<SecretString>();
}

Result<std::optional<SecretString>> ExplicitPassword(const std::string& password_file) {
  return ReadSecret({password_file, kStorePasswordEnv, "", false, "--password-file"});
}

Result<std::optional<SecretString>> ReadNewStorePassword(const SecretSource& source) {
  CM_ASSIGN_OR_RETURN(auto pw, ReadSecret(source));
  if (pw) {
    // The source ReadSecret took it from.
    std::string from = source.flag_name + " " + source.file;
    if (source.file.empty()) {
      const char* v = source.env != nullptr ? std::getenv(source.env) : nullptr;
      from = v != nullptr && *v != '\0' ? source.env : source.prompt;
    }
    CM_RETURN_IF_ERROR(WithContext(CheckNewStorePassword(pw->reveal()), from));
  }
  return pw;
}

Result<std::optional<SecretString>> ExplicitNewPassword(const std::string& password_file) {
  return ReadNewStorePassword({password_file, kStorePasswordEnv, "", false, "--password-file"});
}

Result<SecretString> ReadCaPassword(const std::string& file, bool is_new) {
  CM_ASSIGN_OR_RETURN(auto pw, ReadSecret({file, kCaPasswordEnv,
                                           is_new ? "New CA password" : "CA password", is_new,
                                           "--ca-password-file"}));
  if (!pw) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("no CA password: give --ca-password-file FILE, set {}, or run on "
                                 "a terminal to be prompted (the CA key is always encrypted)",
                                 kCaPasswordEnv));
  }
  return std::move(*pw);
}

void AddArgvPasswordTraps(CLI::App* app) {
  for (const char* name : kTrapNames) {
    app->add_option(name, "")->group("")->expected(0, 1)->allow_extra_args(false);
  }
}

Status CheckArgvPasswordTraps(const CLI::App* app) {
  for (const char* name : kTrapNames) {
    if (app->count(name) > 0) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: passwords are never taken from the command line, where other users "
                      "and shell history can see them; use --password-file/--ca-password-file, "
                      "the {} or {} environment variables, or the terminal prompt",
                      name, kStorePasswordEnv, kCaPasswordEnv));
    }
  }
  return {};
}

}  // namespace certmint::cli
