// dashboard_feed.cc — offering and taking under one lock; see the header.
#include "daemon/dashboard_feed.h"

#include "net/topics.h"

namespace calmon::daemon {

bool DashboardFeed::wants(std::string_view topic) const {
  if (watching()) return true;
  return history_.load(std::memory_order_relaxed) && (topic == net::kTracesTopic || topic == net::kRoisTopic);
}

void DashboardFeed::offer(std::string_view topic, std::string bytes) {
  if (!wants(topic)) return;
  std::lock_guard lock(mutex_);
  if (topic == net::kTracesTopic) {
    pending_trace_bytes_ += bytes.size();
    pending_.traces.push_back(std::move(bytes));
    std::size_t drop = 0;  // the oldest, until both limits hold (the newest always stays)
    while (pending_.traces.size() - drop > 1 &&
           (pending_.traces.size() - drop > kMaxPendingTraces || pending_trace_bytes_ > kMaxPendingTraceBytes)) {
      pending_trace_bytes_ -= pending_.traces[drop].size();
      ++drop;
    }
    pending_.traces.erase(pending_.traces.begin(), pending_.traces.begin() + static_cast<std::ptrdiff_t>(drop));
    pending_.dropped_traces += drop;
  } else if (topic == net::kStatusTopic) {
    pending_.status = std::move(bytes);
  } else if (topic == net::kRoisTopic) {
    pending_.roi_sets.push_back(std::move(bytes));
    if (pending_.roi_sets.size() > kMaxPendingRoiSets) pending_.roi_sets.erase(pending_.roi_sets.begin());
  } else if (topic == net::kProjectionsTopic) {
    pending_.projections = std::move(bytes);
  }
}

DashboardFeed::Batch DashboardFeed::take() {
  Batch batch;
  std::lock_guard lock(mutex_);
  std::swap(batch, pending_);
  pending_trace_bytes_ = 0;
  return batch;
}

}  // namespace calmon::daemon
