// ingest_queue.h — frames received but not yet processed, bounded in bytes.
//
// ZeroMQ cannot say how many messages wait in its queues, nor bound them in bytes, so
// the pipeline thread takes every ingest message ZeroMQ has as soon as it can — the
// message parts are moved into this queue, never copied — and processes frames from
// here, one at a time, taking more between frames. ZeroMQ's own queue per sender then
// stays a few frames (--ingest-hwm); what waits is here, where it is counted
// (Status.ingest_queue_frames, ingest_queue_bytes) and bounded: the queue takes a
// message only while one as large as the largest frame allowed still fits under the
// limit (or when it is empty), so with well-formed frames it never holds more than the
// limit. When it is full, calmond stops receiving and ZeroMQ's queue, then TCP, make
// the senders wait. Each part counts its bytes plus kPartOverhead for its bookkeeping,
// so a flood of tiny messages is bounded too.
//
// The slots form a ring that grows when full and never shrinks; a slot's parts vector
// keeps its capacity, so a steady stream allocates nothing here.
#pragma once

#include <zmq.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace calmon::daemon {

class IngestQueue {
 public:
  static constexpr std::size_t kPartOverhead = 128;

  struct Entry {
    std::vector<zmq::message_t> parts;
    std::int64_t receive_time_ns = 0;
    std::size_t bytes = 0;
  };

  // `largest_message_bytes`: the most a well-formed message may take (a frame's pixels
  // and header, with their overhead).
  IngestQueue(std::size_t limit_bytes, std::size_t largest_message_bytes);

  // Whether the next message may be taken: the queue is empty, or the largest message
  // would still fit under the limit.
  bool has_room() const { return count_ == 0 || bytes_ + largest_message_bytes_ <= limit_bytes_; }
  // The (empty) parts of the slot after the last message: receive the next message into
  // them, then push_back. Left empty, the slot is simply reused.
  std::vector<zmq::message_t>& back_parts();
  // Queues the message received into back_parts().
  void push_back(std::int64_t receive_time_ns);

  bool empty() const { return count_ == 0; }
  // The oldest message. Its parts may be swapped for others (the previous frame's),
  // which pop_front drops.
  Entry& front() { return slots_[head_]; }
  void pop_front();

  std::size_t frames() const { return count_; }  // messages, in fact: ends of stream count too
  std::size_t bytes() const { return bytes_; }
  std::size_t limit_bytes() const { return limit_bytes_; }

 private:
  Entry& slot(std::size_t index) { return slots_[(head_ + index) % slots_.size()]; }

  std::size_t limit_bytes_;
  std::size_t largest_message_bytes_;
  std::vector<Entry> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace calmon::daemon
