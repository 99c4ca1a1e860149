#include "core/stop_signal.h"

#include <csignal>

namespace certmint {
namespace {

std::atomic<bool> g_stop{false};

}  // namespace

const std::atomic<bool>& StopOnTermination() {
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::signal(SIGINT, [](int) { g_stop = true; });
  return g_stop;
}

}  // namespace certmint
