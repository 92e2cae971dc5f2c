// analysis_session.cc — a session's Pipeline built (with its fallbacks), fed, finished and dropped.
#include "daemon/analysis_session.h"

#include <algorithm>
#include <utility>

#include "config/config_file.h"
#include "core/error.h"
#include "daemon/projection_snapshot.h"
#include "net/clock.h"

namespace calmon::daemon {

PipelineSettings session_settings_of(const pb::Config& analysis) {
  PipelineSettings settings = config::to_pipeline_settings(analysis);
  std::erase_if(settings.keep_frames, [](std::int64_t t) { return t < 0; });
  return settings;
}

std::unique_ptr<Pipeline> build_session_pipeline(const PipelineSettings& settings, std::uint32_t roi_set_version,
                                                 FrameGeometry geometry, const config::RoiLimits& limits,
                                                 const std::string& session,
                                                 const std::function<void(const std::string&)>& log) {
  const FrameShape shape{static_cast<int>(geometry.width), static_cast<int>(geometry.height)};
  std::string problem;
  try {
    config::check_ring_limits(settings.rois, shape, limits);
    return std::make_unique<Pipeline>(settings, shape, geometry.pixel_type, roi_set_version);
  } catch (const Error& e) {
    problem = e.what();
  }
  PipelineSettings fallback = settings;
  fallback.rois.clear();
  try {
    auto pipeline = std::make_unique<Pipeline>(fallback, shape, geometry.pixel_type, roi_set_version);
    log(session + ": " + problem + "; analysing without ROIs until a fitting set arrives (set_rois)");
    return pipeline;
  } catch (const Error&) {
  }
  fallback.projections = session_settings_of(pb::Config()).projections;
  fallback.keep_frames.clear();
  log(session + ": " + problem + "; analysing without ROIs, with the default projections");
  return std::make_unique<Pipeline>(fallback, shape, geometry.pixel_type, roi_set_version);
}

std::optional<FrameGeometry> AnalysisSession::geometry() const {
  if (!pipeline_) return std::nullopt;
  return FrameGeometry{static_cast<std::uint32_t>(pipeline_->shape().width),
                       static_cast<std::uint32_t>(pipeline_->shape().height), pipeline_->pixel_type()};
}

void AnalysisSession::start(std::unique_ptr<Pipeline> pipeline, const pb::FrameHeader& first) {
  pipeline_ = std::move(pipeline);
  streaming_ = true;
  stream_id_ = first.stream_id();
  first_sequence_ = first.sequence();
  ledger_.clear();
}

const net::ReceivedFrame& AnalysisSession::hold(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts) {
  // This frame takes the slot of the frame before the previous one, whose images were
  // done before the previous one's started. Swapping the vectors leaves every message
  // where it is, so the view into this frame's parts stays valid.
  newest_ ^= 1;
  HeldFrame& held = held_[newest_];
  held.parts.swap(parts);
  held.frame = std::move(frame);
  return held.frame;
}

const FrameResult& AnalysisSession::push_traces() {
  const net::ReceivedFrame& frame = held_[newest_].frame;
  const FrameResult& result = pipeline_->push_traces(frame.pixels);  // beside the previous frame's images
  last_sequence_ = frame.header.sequence();
  ledger_.record(result.frame, last_sequence_);
  return result;
}

void AnalysisSession::start_projections() {
  // The images start once the traces are out, so they never delay them; they run
  // beside the next frame's receipt and traces.
  projection_worker_.wait();
  projection_worker_.start(*pipeline_, held_[newest_].frame.pixels);
}

bool AnalysisSession::finish() {
  if (!streaming_) return false;
  streaming_ = false;
  projection_worker_.wait();
  pipeline_->finish();
  return true;
}

void AnalysisSession::stop() {
  projection_worker_.wait();
  pipeline_.reset();
  held_ = {};
}

void AnalysisSession::fill_projections(pb::ProjectionSnapshot& snapshot) {
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

}  // namespace calmon::daemon
