#include "core/confirm.h"

#include <unistd.h>

#include <iostream>

#include "core/encoding.h"

namespace certmint {

std::optional<bool> AskYesNo(const std::string& question) {
  if (isatty(STDIN_FILENO) != 1) {
    return std::nullopt;
  }
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    std::cerr << '\n';
    return false;
  }
  answer = AsciiLower(TrimAsciiSpace(answer));
  return answer == "y" || answer == "yes";
}

}  // namespace certmint
