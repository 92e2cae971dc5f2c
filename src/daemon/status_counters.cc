// status_counters.cc — saturating counts, and Status filled from them and from the session.
#include "daemon/status_counters.h"

#include "core/saturating_add.h"
#include "net/clock.h"

namespace calmon::daemon {

StatusCounters::StatusCounters()
    : interval_(std::chrono::steady_clock::now()), started_(std::chrono::steady_clock::now()) {}

void StatusCounters::frame_received() { saturating_increase(frames_received_); }
void StatusCounters::frame_processed() { saturating_increase(frames_processed_); }
void StatusCounters::non_finite_frame() { saturating_increase(non_finite_frames_); }

void StatusCounters::gap(std::uint64_t missing_frames) {
  saturating_increase(gaps_);
  saturating_increase(missing_frames_, missing_frames);
}

std::uint64_t StatusCounters::session_started() {
  saturating_increase(sessions_);
  motion_.start_session();
  return sessions_;
}

void StatusCounters::rejected(std::string_view reason) {
  auto it = rejected_.find(reason);
  if (it == rejected_.end()) it = rejected_.emplace(std::string(reason), 0).first;
  saturating_increase(it->second);
}

void StatusCounters::frame_published(std::int64_t latency_ns, std::optional<std::int64_t> lag_ns) {
  interval_.add_frame(latency_ns, lag_ns);
}

void StatusCounters::complete_interval(std::chrono::steady_clock::time_point now) {
  interval_.complete(now);
  motion_.complete_interval();
}

void StatusCounters::fill(pb::Status& status, const AnalysisSession& session, std::uint32_t roi_set_version,
                          std::uint64_t daemon_id) const {
  status.Clear();
  status.set_time_ns(net::now_ns());
  status.set_uptime_s(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  status.set_frames_received(frames_received_);
  status.set_frames_processed(frames_processed_);
  const IntervalSummary& interval = interval_.last();
  status.set_frame_rate_hz(interval.frame_rate_hz);
  status.set_gaps(gaps_);
  status.set_missing_frames(missing_frames_);
  for (const auto& [reason, count] : rejected_) (*status.mutable_rejected())[reason] = count;
  status.set_subscribers(subscribers_);
  status.set_streaming(session.streaming());
  if (const Pipeline* pipeline = session.pipeline()) {
    status.set_width(static_cast<std::uint32_t>(pipeline->shape().width));
    status.set_height(static_cast<std::uint32_t>(pipeline->shape().height));
    status.set_pixel_type(session.frame_pixel_type());
  }
  status.set_roi_set_version(roi_set_version);
  status.set_non_finite_frames(non_finite_frames_);
  status.set_latency_p50_us(interval.latency_p50_us);
  status.set_latency_max_us(interval.latency_max_us);
  status.set_sessions(sessions_);
  for (const auto& fill : fillers_) fill(status);
  status.set_daemon_id(daemon_id);
  status.set_stream_id(session.stream_id());
  status.set_first_sequence(session.first_sequence());
  status.set_time_source(std::string(time_source_name(session.clock().source())));
  status.set_time_base_rate_hz(session.clock().rate_hz());
  if (ingest_queue_) {
    status.set_ingest_queue_frames(ingest_queue_->frames());
    status.set_ingest_queue_bytes(ingest_queue_->bytes());
  }
  status.set_lag_p50_ms(interval.lag_p50_ms);
  status.set_lag_p99_ms(interval.lag_p99_ms);
  if (const MotionCorrection* motion = session.motion()) {
    motion_.fill(*motion, session.awaits_reference(), *status.mutable_motion());
  }
}

}  // namespace calmon::daemon
