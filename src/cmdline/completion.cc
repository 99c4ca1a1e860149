#include "cmdline/completion.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

#include "cmdline/command_tree.h"

namespace certmint::cmdline {
namespace {

// A command and the words after the program's name that run it ("" for the
// program itself, "ca", "ca init", ...).
struct Command {
  std::string words;
  const CLI::App* app;
};

void CollectCommands(const CLI::App& app, const std::string& words, std::vector<Command>* out) {
  out->push_back({words, &app});
  for (const CLI::App* sub : VisibleSubcommands(app)) {
    CollectCommands(*sub, words.empty() ? sub->get_name() : words + " " + sub->get_name(), out);
  }
}

std::vector<Command> AllCommands(const CLI::App& app) {
  std::vector<Command> all;
  CollectCommands(app, "", &all);
  return all;
}

// `script` with every "@P@" replaced by the program's name.
std::string ForProgram(std::string_view script, const std::string& name) {
  std::string out;
  for (size_t at = 0;;) {
    const size_t next = script.find("@P@", at);
    out += script.substr(at, next - at);
    if (next == std::string_view::npos) {
      return out;
    }
    out += name;
    at = next + 3;
  }
}

bool TakesValue(const CLI::Option& opt) { return opt.get_items_expected_max() > 0; }

std::vector<std::string> FlagNames(const CLI::Option& opt) {
  std::vector<std::string> names;
  for (const auto& n : opt.get_snames()) names.push_back("-" + n);
  for (const auto& n : opt.get_lnames()) names.push_back("--" + n);
  return names;
}

// The first sentence-ish part of a description, for a one-line menu.
std::string Summary(const std::string& description) {
  return description.substr(0, description.find('\n'));
}

// The shell functions both completions use: a command's subcommands, its
// flags and those of its flags that take a value (whose next word is
// skipped when finding the command, and completed as a file name).
std::string WordListFunctions(const std::string& name, const std::vector<Command>& commands) {
  std::string subs, flags, value_flags;
  for (const Command& c : commands) {
    std::vector<std::string> s, f, v;
    for (const CLI::App* sub : VisibleSubcommands(*c.app)) s.push_back(sub->get_name());
    for (const CLI::Option* opt : c.app->get_options()) {
      if (opt->get_positional()) continue;
      for (const auto& n : FlagNames(*opt)) {
        f.push_back(n);
        if (TakesValue(*opt)) v.push_back(n);
      }
    }
    const auto line = [&](const std::vector<std::string>& words) {
      return fmt::format("    \"{}\") echo \"{}\" ;;\n", c.words, fmt::join(words, " "));
    };
    if (!s.empty()) subs += line(s);
    if (!f.empty()) flags += line(f);
    if (!v.empty()) value_flags += line(v);
  }
  const auto function = [&](const char* what, const std::string& cases) {
    return fmt::format("_{}_{}() {{\n  case \"$1\" in\n{}  esac\n}}\n", name, what, cases);
  };
  return function("commands", subs) + function("flags", flags) +
         function("value_flags", value_flags);
}

// Escapes `s` for the inside of a single-quoted shell word.
std::string SingleQuoted(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out;
}

// Escapes an _arguments description (inside [...]).
std::string ZshDescription(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return SingleQuoted(out);
}

std::string ZshCases(const std::vector<Command>& commands) {
  std::string subs, specs;
  for (const Command& c : commands) {
    std::vector<std::string> s, f;
    for (const CLI::App* sub : VisibleSubcommands(*c.app)) {
      s.push_back(
          fmt::format("'{}:{}'", sub->get_name(), SingleQuoted(Summary(sub->get_description()))));
    }
    for (const CLI::Option* opt : c.app->get_options()) {
      if (opt->get_positional()) continue;
      for (const auto& n : FlagNames(*opt)) {
        f.push_back(fmt::format("'{}[{}]{}'", n, ZshDescription(Summary(opt->get_description())),
                                TakesValue(*opt) ? ":value:_files" : ""));
      }
    }
    if (!s.empty()) subs += fmt::format("    \"{}\") subs=({}) ;;\n", c.words, fmt::join(s, " "));
    if (!f.empty()) {
      specs += fmt::format("    \"{}\") specs=(\n      {}\n    ) ;;\n", c.words,
                           fmt::join(f, "\n      "));
    }
  }
  return fmt::format("  case $cmd in\n{}  esac\n", subs) +
         fmt::format("  case $cmd in\n{}  esac\n", specs);
}

constexpr std::string_view kBashFunction = R"sh(_@P@() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local cmd="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ " $(_@P@_value_flags "$cmd") $(_@P@_value_flags "") " == *" $word "* ]]; then
      i=$((i + 1))  # the flag's value
    elif [[ $word != -* && " $(_@P@_commands "$cmd") " == *" $word "* ]]; then
      cmd=${cmd:+$cmd }$word
    fi
  done
  COMPREPLY=()
  if [[ " $(_@P@_value_flags "$cmd") $(_@P@_value_flags "") " == *" $prev "* ]]; then
    return  # a flag's value: bash's own completion (file names)
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_@P@_flags "$cmd") $(_@P@_flags "")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_@P@_commands "$cmd")" -- "$cur"))
  fi
}
complete -o default -F _@P@ @P@
)sh";

// The zsh function up to the cases (ZshCases), and after them.
constexpr std::string_view kZshFunctionStart = R"sh(_@P@() {
  local cmd="" word i=2 last=1
  while (( i < CURRENT )); do
    word=${words[i]}
    if [[ " $(_@P@_value_flags "$cmd") $(_@P@_value_flags "") " == *" $word "* ]]; then
      (( i += 2 ))
      continue
    fi
    if [[ $word != -* && " $(_@P@_commands "$cmd") " == *" $word "* ]]; then
      cmd=${cmd:+$cmd }$word
      last=$i
    fi
    (( i += 1 ))
  done
  local -a subs specs
)sh";
constexpr std::string_view kZshFunctionEnd = R"sh(  if (( ${#subs} )) && [[ $PREFIX != -* ]]; then
    _describe -t commands '@P@ command' subs
    return
  fi
  # The words after the command's name, as if it were a program of its own.
  words=(@P@ ${words[last+1,-1]})
  (( CURRENT -= last - 1 ))
  _arguments -S : $specs '*:file:_files'
}
if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
  _@P@ "$@"
else
  compdef _@P@ @P@
fi
)sh";

}  // namespace

std::string BashCompletion(const CLI::App& app, std::string_view printed_by) {
  const std::string& name = app.get_name();
  return fmt::format(
             "# bash completion for {0}, generated by `{1}` from the\n"
             "# flags {0} parses. Load it with: source <({1})\n",
             name, printed_by) +
         WordListFunctions(name, AllCommands(app)) + ForProgram(kBashFunction, name);
}

std::string ZshCompletion(const CLI::App& app, std::string_view printed_by) {
  const std::string& name = app.get_name();
  const std::vector<Command> commands = AllCommands(app);
  return fmt::format(
             "#compdef {0}\n"
             "# zsh completion for {0}, generated by `{1}` from the\n"
             "# flags {0} parses. Load it after compinit with: source <({1})\n"
             "# or save it as _{0} in a directory of $fpath.\n",
             name, printed_by) +
         WordListFunctions(name, commands) + ForProgram(kZshFunctionStart, name) +
         ZshCases(commands) + ForProgram(kZshFunctionEnd, name);
}

}  // namespace certmint::cmdline
