// send_queue.cc — coalescing, dropping and the hopeless test; see the header.
#include "daemon/send_queue.h"

#include <algorithm>

namespace calmon::daemon {

bool SendQueue::push(MessageKind kind, Payload payload) {
  const bool state = kind == MessageKind::kImages || kind == MessageKind::kStatus || kind == MessageKind::kRois;
  if (state) {
    const auto same = std::find_if(queue_.begin(), queue_.end(), [&](const Entry& e) { return e.kind == kind; });
    if (same != queue_.end()) {
      bytes_ = bytes_ - same->payload->size() + payload->size();
      same->payload = std::move(payload);
      return bytes_ <= limits_.max_bytes;
    }
  }
  bytes_ += payload->size();
  queue_.push_back({kind, std::move(payload)});
  if (kind == MessageKind::kTraces && ++trace_batches_ > limits_.max_trace_batches) drop_oldest_traces();
  while (bytes_ > limits_.max_bytes && trace_batches_ > 0) drop_oldest_traces();
  return bytes_ <= limits_.max_bytes;
}

void SendQueue::drop_oldest_traces() {
  const auto oldest =
      std::find_if(queue_.begin(), queue_.end(), [](const Entry& e) { return e.kind == MessageKind::kTraces; });
  if (oldest == queue_.end()) return;
  bytes_ -= oldest->payload->size();
  queue_.erase(oldest);
  --trace_batches_;
  ++dropped_;
}

SendQueue::Payload SendQueue::start_next(Clock::time_point now) {
  if (in_flight_since_ || queue_.empty()) return nullptr;
  Entry entry = std::move(queue_.front());
  queue_.pop_front();
  bytes_ -= entry.payload->size();
  if (entry.kind == MessageKind::kTraces) --trace_batches_;
  in_flight_since_ = now;
  return entry.payload;
}

void SendQueue::finish_current() { in_flight_since_.reset(); }

}  // namespace calmon::daemon
