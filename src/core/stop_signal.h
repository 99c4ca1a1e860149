// Ending a long-running loop on SIGTERM or SIGINT: the signal only sets a
// flag, which the loop checks between its steps, so that a step in progress
// (a renewal being written) is finished rather than cut short.
#pragma once

#include <atomic>

namespace certmint {

// StopOnTermination makes SIGTERM and SIGINT set the returned flag (which
// stays set) instead of ending the process. Installs the handlers on every
// call; the flag is one for the whole process.
const std::atomic<bool>& StopOnTermination();

}  // namespace certmint
