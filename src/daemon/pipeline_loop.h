// pipeline_loop.h — the pipeline thread: one zmq::poll over every socket, until shutdown.
//
// The loop reads and writes the sockets: ingest messages go to the IngestQueue the
// moment ZeroMQ has them (received, not copied, while the queue has room) and from
// there to the StreamAnalyzer, one frame per turn of the loop, with their receive time;
// subscribe/unsubscribe messages of the XPUB socket are counted, and commands from the
// Asio thread (status and snapshot ticks, shutdown) are acted on. The poll blocks only
// when no frame waits.
//
// Control requests, and the dashboard pages' requests (which arrive as commands), are
// parsed — and a set_rois's ROI set compiled — by the RequestPreparer on a thread of
// its own while frames go on; the loop answers each once it is ready, between two
// frames, through the analyzer (installing the new ROI set there). One request is in
// preparation at a time: meanwhile the control socket is not read (a REP socket owes
// one reply at a time) and dashboard requests wait in arrival order. A ROI set
// prepared for frames that are no longer the session's (a session started or changed
// geometry meanwhile) is prepared again for the new ones. The periodic work — status, projection snapshots, which take
// milliseconds on big frames — waits for a moment when no frame is queued, unless it
// has waited kMaxDeferral already, so it rarely delays a frame. Requests from the dashboard's pages arrive as commands
// too and are answered like control requests, the reply handed to the DashboardFeed; while a page watches, projection
// snapshots are computed even without a ZeroMQ subscriber.
#pragma once

#include <zmq.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "daemon/daemon_settings.h"
#include "daemon/daemon_sockets.h"
#include "daemon/dashboard_feed.h"
#include "daemon/ingest_queue.h"
#include "daemon/rate_limited_log.h"
#include "daemon/request_preparer.h"
#include "daemon/roi_set_keeper.h"
#include "daemon/stream_analyzer.h"
#include "daemon/subscription_counter.h"
#include "net/multipart.h"

namespace calmon::daemon {

class PipelineLoop {
 public:
  static constexpr std::chrono::milliseconds kMaxDeferral{100};

  // `dashboard` may be null (no dashboard). The ingest queue's limit and largest frame
  // come from `settings`.
  PipelineLoop(DaemonSockets& sockets, StreamAnalyzer& analyzer, const DaemonSettings& settings,
               RateLimitedLog::Sink log, DashboardFeed* dashboard = nullptr);
  ~PipelineLoop() { analyzer_.watch_ingest_queue(nullptr); }  // the queue goes with the loop
  // Keeps the ROI set in `keeper` (a state folder) now and after every request that changes it.
  void keep_roi_sets_in(RoiSetKeeper& keeper);
  PipelineLoop(const PipelineLoop&) = delete;
  PipelineLoop& operator=(const PipelineLoop&) = delete;

  // Runs until a shutdown command or control request; the session is ended by then.
  void run();

 private:
  using Clock = std::chrono::steady_clock;

  // Every part of the next message into parts_; false if none is waiting.
  bool receive_message(zmq::socket_t& socket) { return net::receive_multipart(socket, parts_); }
  void receive_ingest();
  void process_next_frame();
  void receive_control();
  void drain_commands();
  void drain_subscriptions();
  void update_subscribers();
  void queue_dashboard_request();
  void start_next_dashboard_request();
  void answer_prepared_request();
  void deliver(const std::string& reply);
  void refuse_unanswered(const std::string& why);
  void do_due_work();
  bool ingest_pending();

  // Who waits for the request in preparation: the control socket, or a page (its ticket).
  struct Asker {
    bool control = false;
    std::uint64_t ticket = 0;
    bool json = true;  // how it asked, so as to answer alike even without its request
  };
  struct DashboardRequest {
    std::uint64_t ticket;
    zmq::message_t request;
  };

  DaemonSockets& sockets_;
  StreamAnalyzer& analyzer_;
  DashboardFeed* dashboard_;
  RateLimitedLog errors_;
  SubscriptionCounter subscriptions_;
  IngestQueue ingest_queue_;
  RequestPreparer preparer_;
  RoiSetKeeper* keeper_ = nullptr;
  std::optional<Asker> asker_;                       // of the request in preparation
  std::deque<DashboardRequest> dashboard_requests_;  // waiting for the preparer
  std::vector<zmq::message_t> parts_;                // the message being handled; keeps its capacity
  std::optional<Clock::time_point> status_due_since_;
  std::optional<Clock::time_point> snapshot_due_since_;
};

}  // namespace calmon::daemon
