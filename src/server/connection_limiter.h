// Caps on the connections the CA service holds open: in total and per
// client address, so that one address (or a handful) cannot take every
// connection the service is willing to keep. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace certmint {

class ConnectionLimiter {
 public:
  ConnectionLimiter(size_t total, size_t per_address) : total_(total), per_address_(per_address) {}

  // One open connection, counted until the slot goes away. The limiter must
  // outlive its slots.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class ConnectionLimiter;
    Slot(ConnectionLimiter* owner, std::string address)
        : owner_(owner), address_(std::move(address)) {}
    ConnectionLimiter* owner_;
    std::string address_;
  };

  // A slot for a connection from `address`; none when either cap is reached.
  std::optional<Slot> TryAcquire(const std::string& address);

  size_t open() const;

 private:
  void Release(const std::string& address);

  const size_t total_;
  const size_t per_address_;
  mutable std::mutex mu_;
  size_t open_ = 0;
  std::unordered_map<std::string, size_t> by_address_;
};

}  // namespace certmint
