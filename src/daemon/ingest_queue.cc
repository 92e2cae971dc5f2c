// ingest_queue.cc — the ring of received messages; see the header.
#include "daemon/ingest_queue.h"

#include <utility>

namespace calmon::daemon {

IngestQueue::IngestQueue(std::size_t limit_bytes, std::size_t largest_message_bytes)
    : limit_bytes_(limit_bytes), largest_message_bytes_(largest_message_bytes), slots_(64) {}

std::vector<zmq::message_t>& IngestQueue::back_parts() {
  if (count_ == slots_.size()) {  // full: a ring twice the size, oldest first
    std::vector<Entry> grown(slots_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i) grown[i] = std::move(slot(i));
    slots_ = std::move(grown);
    head_ = 0;
  }
  std::vector<zmq::message_t>& parts = slot(count_).parts;
  parts.clear();
  return parts;
}

void IngestQueue::push_back(std::int64_t receive_time_ns) {
  Entry& entry = slot(count_);
  entry.receive_time_ns = receive_time_ns;
  entry.bytes = 0;
  for (const zmq::message_t& part : entry.parts) entry.bytes += part.size() + kPartOverhead;
  bytes_ += entry.bytes;
  ++count_;
}

void IngestQueue::pop_front() {
  Entry& entry = slots_[head_];
  entry.parts.clear();  // frees whatever the parts hold now
  bytes_ -= entry.bytes;
  entry.bytes = 0;
  head_ = (head_ + 1) % slots_.size();
  --count_;
}

}  // namespace calmon::daemon
