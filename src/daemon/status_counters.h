// status_counters.h — what calmond counts for its Status message, and the filling of it.
//
// Counters saturate rather than wrap. Besides the frames and sessions counted here,
// Status carries what others know: the session's geometry and stream (AnalysisSession),
// the ROI set's version, the subscriptions and the ingest queue's depth (the loop, which
// reads the sockets), and whatever other parts of calmond add through a filler (the
// dashboard's refusals, the ZAP handler's). The frame rate, latency and lag are the last
// complete status interval's (interval_stats.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calmon/wire.pb.h"
#include "daemon/analysis_session.h"
#include "daemon/ingest_queue.h"
#include "daemon/interval_stats.h"
#include "daemon/motion_tally.h"

namespace calmon::daemon {

class StatusCounters {
 public:
  StatusCounters();

  void frame_received();
  void frame_processed();
  void non_finite_frame();
  void gap(std::uint64_t missing_frames);
  // Motion correction did `motion` to a frame of the session.
  void frame_moved(const FrameMotion& motion) { motion_.add(motion); }
  // Counts a new session and returns its number (1 for the first).
  std::uint64_t session_started();
  std::uint64_t sessions() const { return sessions_; }
  // A message or frame rejected for `reason` (Status.rejected's key).
  void rejected(std::string_view reason);
  // A frame's update went out `latency_ns` after it arrived (`lag_ns` after it was acquired, if known).
  void frame_published(std::int64_t latency_ns, std::optional<std::int64_t> lag_ns);
  // The status interval is over.
  void complete_interval(std::chrono::steady_clock::time_point now);

  void set_subscribers(std::uint32_t count) { subscribers_ = count; }
  void watch_ingest_queue(const IngestQueue* queue) { ingest_queue_ = queue; }
  void add_filler(std::function<void(pb::Status&)> filler) { fillers_.push_back(std::move(filler)); }

  // Status from scratch: these counts, the session's state and the fillers'.
  void fill(pb::Status& status, const AnalysisSession& session, std::uint32_t roi_set_version,
            std::uint64_t daemon_id) const;

 private:
  std::uint64_t frames_received_ = 0;
  std::uint64_t frames_processed_ = 0;
  std::uint64_t gaps_ = 0;
  std::uint64_t missing_frames_ = 0;
  std::uint64_t non_finite_frames_ = 0;
  std::uint64_t sessions_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> rejected_;
  std::uint32_t subscribers_ = 0;
  const IngestQueue* ingest_queue_ = nullptr;
  std::vector<std::function<void(pb::Status&)>> fillers_;
  IntervalStats interval_;
  MotionTally motion_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace calmon::daemon
