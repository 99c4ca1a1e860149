#include "server/connection_limiter.h"

namespace certmint {

ConnectionLimiter::Slot::Slot(Slot&& other) noexcept
    : owner_(other.owner_), address_(std::move(other.address_)) {
  other.owner_ = nullptr;
}

ConnectionLimiter::Slot& ConnectionLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) {
      owner_->Release(address_);
    }
    owner_ = other.owner_;
    address_ = std::move(other.address_);
    other.owner_ = nullptr;
  }
  return *this;
}

ConnectionLimiter::Slot::~Slot() {
  if (owner_ != nullptr) {
    owner_->Release(address_);
  }
}

std::optional<ConnectionLimiter::Slot> ConnectionLimiter::TryAcquire(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t& mine = by_address_[address];
  if (open_ >= total_ || mine >= per_address_) {
    if (mine == 0) {
      by_address_.erase(address);
    }
    return std::nullopt;
  }
  ++open_;
  ++mine;
  return Slot(this, address);
}

size_t ConnectionLimiter::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

void ConnectionLimiter::Release(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  --open_;
  auto it = by_address_.find(address);
  if (it != by_address_.end() && --it->second == 0) {
    by_address_.erase(it);
  }
}

}  // namespace certmint
