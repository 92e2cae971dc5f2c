// send_queue.h — one browser connection's outgoing messages: bounded, coalescing.
//
// The dashboard never waits for a browser. Each connection queues what it has not
// written yet, with one rule per kind of message: images, status and the ROI set are
// state — a newer one replaces a queued older one (only the latest matters); trace
// batches are history — they queue in order, and when more than max_trace_batches wait
// the oldest is dropped (and counted); replies to requests and history answers are
// never dropped. A
// connection whose queue still holds more than max_bytes, or whose current write has
// not finished for a long time, is hopelessly behind: the server disconnects it and
// the page reconnects. Pure bookkeeping: no sockets, no clocks of its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace calmon::daemon {

enum class MessageKind { kTraces, kImages, kStatus, kRois, kReply, kHistory };

class SendQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Payload = std::shared_ptr<const std::string>;

  struct Limits {
    std::size_t max_trace_batches = 300;  // 5 s at 60 batches/s
    std::size_t max_bytes = std::size_t{32} << 20;
  };

  SendQueue() : SendQueue(Limits{}) {}
  explicit SendQueue(Limits limits) : limits_(limits) {}

  // Queues a message; false if the connection is hopelessly behind (disconnect it).
  bool push(MessageKind kind, Payload payload);
  // The next message to write, now in flight; nullptr if none waits or one is in flight.
  Payload start_next(Clock::time_point now);
  // The message in flight has been written.
  void finish_current();
  // True if a write has been in flight for longer than `limit`.
  bool stalled(Clock::time_point now, Clock::duration limit) const {
    return in_flight_since_ && now - *in_flight_since_ > limit;
  }

  std::size_t queued() const { return queue_.size(); }
  std::size_t queued_bytes() const { return bytes_; }
  std::uint64_t dropped_trace_batches() const { return dropped_; }

 private:
  struct Entry {
    MessageKind kind;
    Payload payload;
  };
  void drop_oldest_traces();

  Limits limits_;
  std::deque<Entry> queue_;  // not yet in flight
  std::size_t bytes_ = 0;
  std::size_t trace_batches_ = 0;
  std::uint64_t dropped_ = 0;
  std::optional<Clock::time_point> in_flight_since_;
};

}  // namespace calmon::daemon
