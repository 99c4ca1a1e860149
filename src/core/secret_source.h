// Where secrets come from: never the command line, but the first line of a
// file, an environment variable, or a no-echo prompt on the terminal, tried
// in that order. The caller decides which of them apply (SecretSource);
// every secret read is held in a SecretString and the buffers it passed
// through are wiped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"

namespace certmint {

struct SecretSource {
  std::string file;           // a file whose first line is the secret; empty: none
  const char* env = nullptr;  // an environment variable; nullptr: none
  std::string prompt;         // empty: never prompt
  bool confirm = false;       // prompt twice (for new passwords)
  std::string flag_name;      // how messages name the file: "--ca-password-file"
};

// ReadSecretFile reads the first line of `path` (at most 4 KiB, without its
// line ending). An unreadable file is an error with `label` as context; an
// empty first line is kInvalidArgument "LABEL PATH: the file is empty".
Result<SecretString> ReadSecretFile(const std::string& path, std::string_view label);

// SecretFromEnv returns the value of the environment variable `name`, or
// nullopt when it is unset or empty.
std::optional<SecretString> SecretFromEnv(const char* name);

// PromptSecret asks for a secret on the terminal ("PROMPT: ") with echo off,
// and when `confirm` asks again ("Repeat PROMPT: "). kInvalidArgument when the
// two differ or the answer is empty.
Result<SecretString> PromptSecret(const std::string& prompt, bool confirm);

// ReadSecret returns the secret from the first source that has one: the
// file (an error if it is missing, unreadable or empty), the environment,
// then the prompt when stdin is a terminal. nullopt when none has one.
Result<std::optional<SecretString>> ReadSecret(const SecretSource& source);

// SecretOrigin names the source ReadSecret takes the secret from, for
// messages about it: "FLAG FILE", the environment variable, or the prompt.
std::string SecretOrigin(const SecretSource& source);

// MissingSecretMessage says where a secret none of `source`'s places had can
// be given: "no WHAT: give FLAG FILE, set ENV, or run on a terminal to be
// prompted" (naming only the places `source` has).
std::string MissingSecretMessage(const SecretSource& source, std::string_view what);

// ReadRequiredSecret is ReadSecret with kInvalidArgument saying
// MissingSecretMessage when no place has the secret.
Result<SecretString> ReadRequiredSecret(const SecretSource& source, std::string_view what);
// The same for a secret read some other way from `source`.
Result<SecretString> RequireSecret(Result<std::optional<SecretString>> read,
                                   const SecretSource& source, std::string_view what);

}  // namespace certmint
