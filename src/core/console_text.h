// Text for the two streams of the command that runs a library operation:
// what it reports (stdout) and its warnings (stderr). The library returns
// it or hands it to a sink as it goes; only the command line prints it.
#pragma once

#include <functional>
#include <string>

namespace certmint {

struct ConsoleText {
  std::string out;  // for stdout; empty: nothing
  std::string err;  // for stderr; empty: nothing
};

// Receives console text as an operation goes (progress of a long run).
using ConsoleSink = std::function<void(const ConsoleText&)>;

}  // namespace certmint
