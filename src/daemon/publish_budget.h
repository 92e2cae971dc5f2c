// publish_budget.h — the bytes ZeroMQ holds for subscribers, counted exactly, and the
// rule that keeps them under a budget.
//
// A PUB socket queues every message for every subscriber that has not taken it yet,
// up to its high-water mark in *messages*: one subscriber that never reads could hold
// a thousand 10 MB projection snapshots. Every payload calmond publishes is therefore a
// buffer it allocates itself (allocate), handed to ZeroMQ with a free callback: ZeroMQ
// shares one payload among all subscribers' queues and calls back once the last one
// has let it go, so an atomic counter knows exactly the bytes still held, however many
// subscribers share them. Payloads of kMapThreshold bytes or more get a memory mapping
// of their own, unmapped when freed: that memory goes back to the operating system at
// once (from the heap it would stay with the process after a stuck subscriber left).
//
// The rule (admits): a message is published only if the bytes held stay within the
// budget; an optional one — a periodic projection snapshot, the periodic RoiSetInfo,
// which subscribers can do without and which are the big messages — only if they stay
// within half of it. A subscriber that keeps up takes each message as it comes, so
// what stays held belongs to subscribers that do not; half the budget is always left
// for the essential messages (traces, status, ROI changes). docs/daemon.md ("Publish
// budget") explains when that guarantees every trace to subscribers that keep up.
//
// The budget must outlive every message it allocated: the daemon creates it before the
// ZeroMQ context, which frees the last queued messages when it terminates.
#pragma once

#include <zmq.hpp>

#include <atomic>
#include <cstddef>

namespace calmon::daemon {

class PublishBudget {
 public:
  enum class Importance { kEssential, kOptional };
  static constexpr std::size_t kMapThreshold = std::size_t{64} << 10;

  explicit PublishBudget(std::size_t budget_bytes) : budget_bytes_(budget_bytes) {}
  PublishBudget(const PublishBudget&) = delete;
  PublishBudget& operator=(const PublishBudget&) = delete;

  // A message of `size` bytes (to fill) whose memory counts as held until it is freed,
  // by whichever thread drops its last reference. Throws std::bad_alloc.
  zmq::message_t allocate(std::size_t size);

  // Whether a message of `size` bytes may be published now.
  bool admits(std::size_t size, Importance importance) const {
    const std::size_t limit = importance == Importance::kEssential ? budget_bytes_ : budget_bytes_ / 2;
    return size <= limit && held_bytes() <= limit - size;
  }

  // The memory of every message allocated and not yet freed (payloads and their
  // bookkeeping, mappings rounded to whole pages).
  std::size_t held_bytes() const { return held_bytes_.load(std::memory_order_relaxed); }
  std::size_t budget_bytes() const { return budget_bytes_; }

 private:
  static void release(void* data, void* hint);

  std::size_t budget_bytes_;
  std::atomic<std::size_t> held_bytes_{0};
};

}  // namespace calmon::daemon
