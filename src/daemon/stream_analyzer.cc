// stream_analyzer.cc — sessions, frames, settled tails, status and control; see the header.
#include "daemon/stream_analyzer.h"

#include <algorithm>
#include <exception>
#include <optional>

#include "config/config_file.h"
#include "core/error.h"
#include "core/saturating_add.h"
#include "daemon/non_finite_pixels.h"
#include "daemon/projection_snapshot.h"
#include "daemon/roi_set_info.h"
#include "daemon/zap_handler.h"
#include "net/clock.h"
#include "net/random_id.h"
#include "net/topics.h"
#include "net/wire_pixel_type.h"

namespace calmon::daemon {

namespace {

// The analysis config as session settings. Negative kept-frame indices count from the
// end of a movie; a live stream has no known end, and its last frame is always in the
// snapshots as "latest", so they are dropped.
PipelineSettings session_settings_of(const pb::Config& analysis) {
  PipelineSettings settings = config::to_pipeline_settings(analysis);
  std::erase_if(settings.keep_frames, [](std::int64_t t) { return t < 0; });
  return settings;
}

std::string plural(std::uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace

StreamAnalyzer::StreamAnalyzer(const DaemonSettings& settings, Publisher& publisher, LogSink log)
    : max_frame_bytes_(settings.max_frame_bytes),
      roi_limits_(settings.roi_limits),
      analysis_(settings.analysis),
      session_settings_(session_settings_of(settings.analysis)),
      publisher_(publisher),
      log_(std::move(log)),
      rate_limited_log_(log_),
      gate_(GateSettings{settings.channel, settings.plane, settings.reset_on_geometry_change,
                         settings.max_sequence_jump}),
      daemon_id_(net::random_id()),
      interval_(std::chrono::steady_clock::now()),
      started_(std::chrono::steady_clock::now()) {
  describe_configured_rois();
}

StreamAnalyzer::~StreamAnalyzer() = default;

// --- frames ------------------------------------------------------------------------------

void StreamAnalyzer::on_ingest_message(std::vector<zmq::message_t>& parts, std::int64_t receive_time_ns) {
  saturating_increase(counters_.frames_received);
  net::DecodedFrame decoded = net::decode_frame(parts, max_frame_bytes_);
  if (const auto* rejected = std::get_if<net::RejectedMessage>(&decoded)) {
    reports_.frame_received(rejected->stream_id);
    reports_.frame_rejected(rejected->stream_id);
    reject(net::rejection_name(rejected->reason), rejected->detail);
    return;
  }
  net::ReceivedFrame& frame = std::get<net::ReceivedFrame>(decoded);
  if (frame.header.end_of_stream()) {
    on_end_of_stream(frame.header, receive_time_ns);
  } else {
    on_frame(frame, parts, receive_time_ns);
  }
}

void StreamAnalyzer::on_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts,
                              std::int64_t receive_time_ns) {
  const pb::FrameHeader& header = frame.header;
  const FrameGeometry geometry{header.width(), header.height(), frame.pixels.type()};
  reports_.frame_received(header.stream_id());
  const Admission admission = gate_.admit(header, geometry);
  switch (admission.kind) {
    case Admission::Kind::kReject:
      reports_.frame_rejected(header.stream_id());
      reject(net::rejection_name(admission.reason), admission.detail);
      return;
    case Admission::Kind::kRestartSession:
      end_session(admission.detail, receive_time_ns, 0);
      [[fallthrough]];
    case Admission::Kind::kStartSession:
      if (!start_session(geometry, header)) {
        reports_.frame_rejected(header.stream_id());
        return;
      }
      break;
    case Admission::Kind::kContinueSession:
      if (admission.missing_before > 0) {
        saturating_increase(counters_.gaps);
        saturating_increase(counters_.missing_frames, admission.missing_before);
        rate_limited_log_.write("gap",
                                "gap: " + plural(admission.missing_before, "frame") + " missing before frame " +
                                    std::to_string(header.sequence()),
                                std::chrono::steady_clock::now());
      }
      break;
  }
  reports_.frame_processed(header.stream_id(), header.sequence(), counters_.sessions, admission.missing_before);
  process_frame(frame, parts, admission.missing_before, receive_time_ns);
}

void StreamAnalyzer::on_end_of_stream(const pb::FrameHeader& header, std::int64_t receive_time_ns) {
  reports_.end_of_stream_received(header.stream_id());
  if (!streaming_) {
    rate_limited_log_.write("end_of_stream", "end of stream without a session: nothing to end",
                            std::chrono::steady_clock::now());
    return;
  }
  if (is_other_stream(header.stream_id(), stream_id_)) {
    rate_limited_log_.write("other_stream_end",
                            "end of stream " + std::to_string(header.stream_id()) +
                                " ignored: the running session is stream " + std::to_string(stream_id_),
                            std::chrono::steady_clock::now());
    return;
  }
  gate_.end_session();
  end_session("end of stream", receive_time_ns, header.acquisition_time_ns());
}

void StreamAnalyzer::process_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts,
                                   std::uint64_t missing_before, std::int64_t receive_time_ns) {
  // This frame takes the slot of the frame before the previous one, whose images were
  // done before the previous one's started. Swapping the vectors leaves every message
  // where it is, so the view into this frame's parts stays valid.
  newest_ ^= 1;
  HeldFrame& held = held_[newest_];
  held.parts.swap(parts);
  held.frame = std::move(frame);
  const AnyFrameView pixels = held.frame.pixels;
  if (has_non_finite_pixels(pixels)) saturating_increase(counters_.non_finite_frames);
  const FrameResult& result = pipeline_->push_traces(pixels);  // beside the previous frame's images
  saturating_increase(counters_.frames_processed);
  last_sequence_ = held.frame.header.sequence();
  ledger_.record(result.frame, last_sequence_);
  stamp_ = FrameStamp{last_sequence_, result.frame, held.frame.header.acquisition_time_ns(), receive_time_ns,
                      result.roi_set_version, stream_id_, daemon_id_};
  start_update(stamp_, update_);
  add_live_values(result, missing_before, update_);
  const std::int64_t published = publish_updates(false);
  const std::int64_t acquired = held.frame.header.acquisition_time_ns();
  interval_.add_frame(published - receive_time_ns,
                      acquired != 0 ? std::optional<std::int64_t>(published - acquired) : std::nullopt);
  // The images start once the traces are out, so they never delay them; they run
  // beside the next frame's receipt and traces.
  projection_worker_.wait();
  projection_worker_.start(*pipeline_, pixels);
}

// --- sessions ----------------------------------------------------------------------------

// Waits for the projections in flight, then drops the pipeline and the frame they read.
void StreamAnalyzer::stop_pipeline() {
  projection_worker_.wait();
  pipeline_.reset();
  held_ = {};
}

bool StreamAnalyzer::start_session(FrameGeometry geometry, const pb::FrameHeader& first) {
  saturating_increase(counters_.sessions);
  stop_pipeline();  // the last session's memory goes before the next one's is taken
  try {
    pipeline_ = build_pipeline(geometry);
  } catch (const std::exception& e) {
    gate_.end_session();
    reject(kSessionFailed, "session " + std::to_string(counters_.sessions) + " (" + geometry.describe() +
                               ") could not start: " + e.what());
    return false;
  }
  streaming_ = true;
  stream_id_ = first.stream_id();
  first_sequence_ = first.sequence();
  ledger_.clear();
  last_snapshot_frames_ = -1;
  describe_roi_set(*pipeline_, roi_info_);
  publisher_.publish(net::kRoisTopic, roi_info_, Publisher::Importance::kEssential);
  const std::int64_t lag = pipeline_->settled_lag();
  const std::string stream = stream_id_ == 0 ? std::string() : " of stream " + std::to_string(stream_id_);
  log_("session " + std::to_string(counters_.sessions) + " started with frame " + std::to_string(first_sequence_) +
       stream + ": " + geometry.describe() + ", " +
       plural(pipeline_->roi_count(), "ROI") + ", settled values " +
       (lag < 0 ? std::string("at the end of the stream") : plural(static_cast<std::uint64_t>(lag), "frame") + " late"));
  return true;
}

std::unique_ptr<Pipeline> StreamAnalyzer::build_pipeline(FrameGeometry geometry) {
  const FrameShape shape{static_cast<int>(geometry.width), static_cast<int>(geometry.height)};
  const std::string session = "session " + std::to_string(counters_.sessions);
  std::string problem;
  try {
    config::check_ring_limits(session_settings_.rois, shape, roi_limits_);
    return std::make_unique<Pipeline>(session_settings_, shape, geometry.pixel_type, roi_set_version_);
  } catch (const Error& e) {
    problem = e.what();
  }
  PipelineSettings fallback = session_settings_;
  fallback.rois.clear();
  try {
    auto pipeline = std::make_unique<Pipeline>(fallback, shape, geometry.pixel_type, roi_set_version_);
    log_(session + ": " + problem + "; analysing without ROIs until a fitting set arrives (set_rois)");
    return pipeline;
  } catch (const Error&) {
  }
  fallback.projections = session_settings_of(pb::Config()).projections;
  fallback.keep_frames.clear();
  log_(session + ": " + problem + "; analysing without ROIs, with the default projections");
  return std::make_unique<Pipeline>(fallback, shape, geometry.pixel_type, roi_set_version_);
}

void StreamAnalyzer::end_session(const std::string& why, std::int64_t receive_time_ns,
                                 std::int64_t acquisition_time_ns) {
  if (!streaming_) return;
  streaming_ = false;
  projection_worker_.wait();
  pipeline_->finish();
  stamp_ = FrameStamp{last_sequence_, pipeline_->frames(), acquisition_time_ns, receive_time_ns,
                      pipeline_->roi_set_version(), stream_id_, daemon_id_};
  start_update(stamp_, update_);
  update_.set_settled_only(true);
  publish_updates(true);
  publish_snapshot(Publisher::Importance::kEssential);  // the stream's final images
  log_("session " + std::to_string(counters_.sessions) + " ended (" + why + ") after " +
       plural(static_cast<std::uint64_t>(pipeline_->frames()), "frame"));
}

// --- publishing --------------------------------------------------------------------------

std::int64_t StreamAnalyzer::publish_updates(bool end_of_stream) {
  std::int64_t first_published = 0;
  std::size_t values = 0;
  while (pipeline_->pop_settled(row_)) {
    const std::size_t row_values = std::max<std::size_t>(1, row_.f0.size());
    if (values > 0 && values + row_values > kSettledValuesPerMessage) {
      const std::int64_t published = publish_update();
      if (first_published == 0) first_published = published;
      start_update(stamp_, update_);  // a continuation: settled values only
      update_.set_settled_only(true);
      values = 0;
    }
    add_settled_values(row_, ledger_.sequence_of(row_.frame), update_);
    values += row_values;
  }
  update_.set_end_of_stream(end_of_stream);
  const std::int64_t published = publish_update();
  return first_published == 0 ? published : first_published;
}

std::int64_t StreamAnalyzer::publish_update() {
  const std::int64_t now = net::now_ns();
  update_.set_publish_time_ns(now);
  publisher_.publish(net::kTracesTopic, update_, Publisher::Importance::kEssential);
  return now;
}

void StreamAnalyzer::publish_snapshot(Publisher::Importance importance) {
  if (!pipeline_ || pipeline_->frames() == 0 || !projections_wanted_) return;
  fill_projections(snapshot_);
  if (publisher_.publish(net::kProjectionsTopic, snapshot_, importance)) last_snapshot_frames_ = pipeline_->frames();
}

void StreamAnalyzer::on_snapshot_tick() {
  if (!pipeline_ || pipeline_->frames() == last_snapshot_frames_) return;
  publish_snapshot(Publisher::Importance::kOptional);
}

void StreamAnalyzer::republish_roi_set() {
  publisher_.publish(net::kRoisTopic, roi_info_, Publisher::Importance::kOptional);
}

void StreamAnalyzer::on_status_tick() {
  const auto now = std::chrono::steady_clock::now();
  interval_.complete(now);
  fill_status(status_);
  publisher_.publish(net::kStatusTopic, status_, Publisher::Importance::kEssential);
  publisher_.publish(net::kRoisTopic, roi_info_, Publisher::Importance::kOptional);  // a reminder for late joiners
  rate_limited_log_.flush(now);
  publisher_.flush_log(now);
}

void StreamAnalyzer::reject(std::string_view reason, const std::string& detail) {
  auto it = rejected_.find(reason);
  if (it == rejected_.end()) it = rejected_.emplace(std::string(reason), 0).first;
  saturating_increase(it->second);
  rate_limited_log_.write(reason, "rejected (" + std::string(reason) + "): " + detail,
                          std::chrono::steady_clock::now());
}

void StreamAnalyzer::describe_configured_rois() {
  describe_roi_settings(session_settings_.rois, roi_set_version_, roi_info_);
}

// --- control -----------------------------------------------------------------------------

void StreamAnalyzer::fill_status(pb::Status& status) {
  status.Clear();
  status.set_time_ns(net::now_ns());
  status.set_uptime_s(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  status.set_frames_received(counters_.frames_received);
  status.set_frames_processed(counters_.frames_processed);
  const IntervalSummary& interval = interval_.last();
  status.set_frame_rate_hz(interval.frame_rate_hz);
  status.set_gaps(counters_.gaps);
  status.set_missing_frames(counters_.missing_frames);
  for (const auto& [reason, count] : rejected_) (*status.mutable_rejected())[reason] = count;
  status.set_subscribers(subscribers_);
  status.set_streaming(streaming_);
  if (pipeline_) {
    status.set_width(static_cast<std::uint32_t>(pipeline_->shape().width));
    status.set_height(static_cast<std::uint32_t>(pipeline_->shape().height));
    status.set_pixel_type(net::to_wire(pipeline_->pixel_type()));
  }
  status.set_roi_set_version(roi_info_.version());
  status.set_non_finite_frames(counters_.non_finite_frames);
  status.set_latency_p50_us(interval.latency_p50_us);
  status.set_latency_max_us(interval.latency_max_us);
  status.set_sessions(counters_.sessions);
  for (const auto& fill : status_fillers_) fill(status);
  status.set_daemon_id(daemon_id_);
  status.set_stream_id(stream_id_);
  status.set_first_sequence(first_sequence_);
  if (ingest_queue_) {
    status.set_ingest_queue_frames(ingest_queue_->frames());
    status.set_ingest_queue_bytes(ingest_queue_->bytes());
  }
  status.set_lag_p50_ms(interval.lag_p50_ms);
  status.set_lag_p99_ms(interval.lag_p99_ms);
  publisher_.report(status);
}

void StreamAnalyzer::fill_projections(pb::ProjectionSnapshot& snapshot) {
  projection_worker_.wait();
  if (pipeline_) {
    add_projection_images(pipeline_->projections(), pipeline_->local_correlation(), held_[newest_].frame.pixels,
                          pipeline_->settings().keep_frames, snapshot);
    snapshot.set_frame_index(pipeline_->frames());
    snapshot.set_sequence(last_sequence_);
  } else {
    snapshot.Clear();
  }
  snapshot.set_time_ns(net::now_ns());
}

std::optional<FrameGeometry> StreamAnalyzer::roi_geometry() const {
  if (!pipeline_) return std::nullopt;
  return FrameGeometry{static_cast<std::uint32_t>(pipeline_->shape().width),
                       static_cast<std::uint32_t>(pipeline_->shape().height), pipeline_->pixel_type()};
}

void StreamAnalyzer::set_rois(const pb::RoiSet& rois) {
  install_rois(prepare_roi_set(rois, analysis_, roi_limits_, roi_geometry()));
}

void StreamAnalyzer::install_rois(PreparedRoiSet prepared) {
  if (prepared.geometry != roi_geometry()) {
    throw Error("internal: the ROI set was prepared for other frames than the session's; send it again");
  }
  const std::uint32_t version = roi_set_version_ + 1;
  if (streaming_) {
    pipeline_->install_rois(std::move(*prepared.compiled));  // throws, keeping the set, if it cannot
  }
  // Between sessions the set was checked against the last session's frames (if any).
  roi_info_ = std::move(prepared.info);
  roi_info_.set_version(version);
  roi_set_version_ = version;
  session_settings_.rois = std::move(prepared.rois);
  publisher_.publish(net::kRoisTopic, roi_info_, Publisher::Importance::kEssential);
  log_("ROI set replaced: " + plural(session_settings_.rois.size(), "ROI") +
       (streaming_ ? ", version " + std::to_string(roi_info_.version()) : std::string(", from the next session")));
}

void StreamAnalyzer::reset() {
  end_session("reset", net::now_ns(), 0);
  gate_.end_session();
  stop_pipeline();
  last_snapshot_frames_ = -1;
  describe_configured_rois();
  log_("reset: projections and baselines forgotten; the next frame starts a new session");
}

void StreamAnalyzer::shutdown() {
  if (shutdown_requested_) return;
  shutdown_requested_ = true;
  log_("shutting down");
  end_session("shutdown", net::now_ns(), 0);
  gate_.end_session();
}

}  // namespace calmon::daemon
