// Asking the operator before something that cannot be undone (revoking a
// certificate, pruning identities): a yes/no question on the terminal.
#pragma once

#include <optional>
#include <string>

namespace certmint {

// AskYesNo writes `question` and " [y/N] " to stderr and reads one line
// from stdin: true for "y" or "yes" (any case), false for anything else,
// end of input included. nullopt, asking nothing, when stdin is not a
// terminal: there is nobody to ask, and the caller must be told explicitly
// (--yes).
std::optional<bool> AskYesNo(const std::string& question);

}  // namespace certmint
