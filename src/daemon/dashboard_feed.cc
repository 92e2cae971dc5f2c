// dashboard_feed.cc — offering and taking under one lock; see the header.
#include "daemon/dashboard_feed.h"

#include "net/topics.h"

namespace calmon::daemon {

void DashboardFeed::offer(std::string_view topic, const google::protobuf::MessageLite& message) {
  if (!watching()) return;
  std::string bytes = message.SerializeAsString();  // outside the lock
  std::lock_guard lock(mutex_);
  if (topic == net::kTracesTopic) {
    if (pending_.traces.size() >= kMaxPendingTraces) {
      pending_.traces.erase(pending_.traces.begin());
      ++pending_.dropped_traces;
    }
    pending_.traces.push_back(std::move(bytes));
  } else if (topic == net::kStatusTopic) {
    pending_.status = std::move(bytes);
  } else if (topic == net::kRoisTopic) {
    pending_.rois = std::move(bytes);
  } else if (topic == net::kProjectionsTopic) {
    pending_.projections = std::move(bytes);
  }
}

DashboardFeed::Batch DashboardFeed::take() {
  Batch batch;
  std::lock_guard lock(mutex_);
  std::swap(batch, pending_);
  return batch;
}

}  // namespace calmon::daemon
