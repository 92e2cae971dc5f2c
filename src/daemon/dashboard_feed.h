// dashboard_feed.h — the hand-over from the pipeline thread to the dashboard (Asio) thread.
//
// While at least one browser watches, the pipeline thread offers every message it
// publishes (serialized, one short lock); the dashboard takes what accumulated at its
// display rate (dashboard_hub.h). Nothing here waits on a browser: trace updates queue
// up to kMaxPendingTraces updates and kMaxPendingTraceBytes bytes (at 10,000 ROIs an
// update is ~0.6 MB), then the oldest are dropped and counted; status, ROI set and
// projection snapshot keep only the latest. So the feed holds at most
// kMaxPendingTraceBytes plus one message of each other kind, beside the publish budget
// (publish_budget.h), which it does not count against. With no browser, offering costs
// one relaxed atomic load. Replies to the page's requests go the other way through a
// handler the dashboard sets before the pipeline thread starts (it asio::posts them).
#pragma once

#include <google/protobuf/message_lite.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::daemon {

class DashboardFeed {
 public:
  static constexpr std::size_t kMaxPendingTraces = 4096;
  static constexpr std::size_t kMaxPendingTraceBytes = std::size_t{64} << 20;
  using ReplyHandler = std::function<void(std::uint64_t ticket, std::string reply)>;

  struct Batch {
    std::vector<std::string> traces;  // serialized TraceUpdates, oldest first
    std::uint64_t dropped_traces = 0;
    std::optional<std::string> status, rois, projections;  // the latest of each, serialized
  };

  // Dashboard thread.
  void set_watching(bool watching) { watching_.store(watching, std::memory_order_relaxed); }
  Batch take();
  void set_reply_handler(ReplyHandler handler) { reply_handler_ = std::move(handler); }

  // Pipeline thread.
  bool watching() const { return watching_.load(std::memory_order_relaxed); }
  void offer(std::string_view topic, const google::protobuf::MessageLite& message);
  void reply(std::uint64_t ticket, std::string reply) {
    if (reply_handler_) reply_handler_(ticket, std::move(reply));
  }

 private:
  std::atomic<bool> watching_{false};
  std::mutex mutex_;
  Batch pending_;
  std::size_t pending_trace_bytes_ = 0;
  ReplyHandler reply_handler_;
};

}  // namespace calmon::daemon
