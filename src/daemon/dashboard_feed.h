// dashboard_feed.h — the hand-over from the pipeline thread to the dashboard (Asio) thread.
//
// The pipeline thread offers the messages it publishes (serialized, one short lock); the
// dashboard takes what accumulated at its display rate (dashboard_hub.h). Which it
// wants: while the dashboard keeps a trace history (set_history: calmond's
// --dashboard-history-mib, dashboard_history.h), every trace update and ROI set, always;
// while at least one browser watches, everything. Nothing here waits on a browser:
// trace updates queue up to kMaxPendingTraces updates and kMaxPendingTraceBytes bytes
// (at 10,000 ROIs an update is ~0.6 MB), then the oldest are dropped and counted; status
// and projection snapshot keep only the latest, ROI sets the last kMaxPendingRoiSets
// (the history needs each version's columns). So the feed holds at most
// kMaxPendingTraceBytes plus a few messages of each other kind, beside the publish
// budget (publish_budget.h), which it does not count against. What it does not want
// costs one relaxed atomic load per message. Replies to the page's requests go the other
// way through a handler the dashboard sets before the pipeline thread starts (it
// asio::posts them).
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
  static constexpr std::size_t kMaxPendingRoiSets = 64;
  using ReplyHandler = std::function<void(std::uint64_t ticket, std::string reply)>;

  struct Batch {
    std::vector<std::string> traces;  // serialized TraceUpdates, oldest first
    std::uint64_t dropped_traces = 0;
    std::vector<std::string> roi_sets;               // serialized RoiSetInfos, oldest first
    std::optional<std::string> status, projections;  // the latest of each, serialized
  };

  // Dashboard thread (set_history before the pipeline thread starts).
  void set_watching(bool watching) { watching_.store(watching, std::memory_order_relaxed); }
  void set_history(bool history) { history_.store(history, std::memory_order_relaxed); }
  Batch take();
  void set_reply_handler(ReplyHandler handler) { reply_handler_ = std::move(handler); }

  // Pipeline thread.
  bool watching() const { return watching_.load(std::memory_order_relaxed); }
  // Whether a message of `topic` would be kept now.
  bool wants(std::string_view topic) const;
  // A message as serialized for the subscribers; kept if wanted.
  void offer(std::string_view topic, std::string bytes);
  void offer(std::string_view topic, const google::protobuf::MessageLite& message) {
    if (wants(topic)) offer(topic, message.SerializeAsString());
  }
  void reply(std::uint64_t ticket, std::string reply) {
    if (reply_handler_) reply_handler_(ticket, std::move(reply));
  }

 private:
  std::atomic<bool> watching_{false};
  std::atomic<bool> history_{false};
  std::mutex mutex_;
  Batch pending_;
  std::size_t pending_trace_bytes_ = 0;
  ReplyHandler reply_handler_;
};

}  // namespace calmon::daemon
