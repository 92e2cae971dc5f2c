// connection_slots.h — a cap on the dashboard's open connections.
//
// Every HTTP connection, and the WebSocket it may become, holds one Slot for its
// whole life; when all are taken, a new connection is closed at once instead of being
// served, so a crowd of idle or slow clients cannot take every file descriptor and
// all of the Asio thread's time. A Slot gives its place back when it is destroyed —
// even after the ConnectionSlots it came from (the count is shared). One thread only
// (the Asio thread).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

namespace calmon::daemon {

class ConnectionSlots {
  struct Count {
    std::size_t in_use = 0;
  };

 public:
  class Slot {
   public:
    Slot(Slot&& other) noexcept = default;
    Slot& operator=(Slot&& other) noexcept {
      release();
      count_ = std::move(other.count_);
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }

   private:
    friend class ConnectionSlots;
    explicit Slot(std::shared_ptr<Count> count) : count_(std::move(count)) { ++count_->in_use; }
    void release() {
      if (count_) --count_->in_use;
      count_.reset();
    }
    std::shared_ptr<Count> count_;
  };

  explicit ConnectionSlots(std::size_t max) : max_(max), count_(std::make_shared<Count>()) {}

  // A slot, or nothing when `max` are in use.
  std::optional<Slot> take() {
    if (count_->in_use >= max_) return std::nullopt;
    return Slot(count_);
  }
  std::size_t in_use() const { return count_->in_use; }
  std::size_t max() const { return max_; }

 private:
  std::size_t max_;
  std::shared_ptr<Count> count_;
};

}  // namespace calmon::daemon
