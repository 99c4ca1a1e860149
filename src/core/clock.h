// The time, injected: code below the entry points asks a Clock instead of
// reading the wall clock, so that tests can move time.
#pragma once

#include <chrono>
#include <functional>

#include "core/encoding.h"

namespace certmint {

using Clock = std::function<TimePoint()>;

// The wall clock: what the entry points pass in.
inline TimePoint SystemNow() { return std::chrono::system_clock::now(); }

}  // namespace certmint
