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
  geometry.pixel_type = analysed_pixel_type(settings.motion, geometry.pixel_type);
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
  motion_.reset();
  reference_tried_ = false;
  waiting_.clear();
  if (const std::optional<MotionSettings>& motion = pipeline->settings().motion) {
    motion_.emplace(*motion, pipeline->shape());
    reference_tried_ = motion_->has_reference();
    for (std::vector<float>& buffer : registered_) buffer.assign(pipeline->shape().pixel_count(), 0.0f);
  }
  pipeline_ = std::move(pipeline);
  pipeline_->share_work(roi_thread_.get());
  frame_pixel_type_ = first.pixel_type();
  streaming_ = true;
  stream_id_ = first.stream_id();
  first_sequence_ = first.sequence();
  ledger_.clear();
  clock_ = SessionClock(pipeline_->settings().frame_rate_hz);
}

void AnalysisSession::set_roi_threads(unsigned threads) {
  if (threads > 1 && !roi_thread_) roi_thread_ = std::make_unique<RoiWorkThread>();
  if (threads <= 1) {
    if (pipeline_) pipeline_->share_work(nullptr);
    roi_thread_.reset();
  }
}

std::optional<double> AnalysisSession::time_of(const pb::FrameHeader& header) {
  return clock_.time_s(header.sequence(),
                       header.has_frame_time_s() ? std::optional<double>(header.frame_time_s()) : std::nullopt,
                       header.frame_rate_hz());
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

bool AnalysisSession::wait_for_reference(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts,
                                         std::uint64_t missing_before, std::int64_t receive_time_ns) {
  WaitingFrame& waiting = waiting_.emplace_back();
  waiting.parts.swap(parts);  // the messages stay where they are: the view stays valid
  waiting.frame = std::move(frame);
  waiting.missing_before = missing_before;
  waiting.receive_time_ns = receive_time_ns;
  return waiting_.size() >= motion_->reference_frames_wanted();
}

std::string AnalysisSession::build_reference() {
  reference_tried_ = true;
  if (waiting_.empty()) return "no frames arrived to build the reference from";
  std::vector<AnyFrameView> views;
  for (const WaitingFrame& waiting : waiting_) views.push_back(waiting.frame.pixels);
  try {
    motion_->build_reference(views);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

std::deque<AnalysisSession::WaitingFrame> AnalysisSession::take_waiting() {
  std::deque<WaitingFrame> frames;
  frames.swap(waiting_);
  return frames;
}

const FrameResult& AnalysisSession::push_traces() {
  const std::size_t slot = newest_;
  const net::ReceivedFrame& frame = held_[slot].frame;
  analysed_[slot] = frame.pixels;
  if (motion_) {
    last_motion_ = motion_->correct(frame.pixels, registered_[slot]);
    analysed_[slot] = FrameView<float>(registered_[slot].data(), pipeline_->shape());
  }
  const FrameResult& result = pipeline_->push_traces(analysed_[slot]);  // beside the previous frame's images
  last_sequence_ = frame.header.sequence();
  ledger_.record(result.frame, last_sequence_);
  return result;
}

void AnalysisSession::start_projections() {
  // The images start once the traces are out, so they never delay them; they run
  // beside the next frame's receipt and traces.
  projection_worker_.wait();
  projection_worker_.start(*pipeline_, analysed_[newest_]);
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
  analysed_ = {};
  motion_.reset();
  registered_ = {};
  waiting_.clear();
}

void AnalysisSession::fill_projections(pb::ProjectionSnapshot& snapshot) {
  projection_worker_.wait();
  if (pipeline_) {
    add_projection_images(pipeline_->projections(), pipeline_->local_correlation(), analysed_[newest_],
                          pipeline_->settings().keep_frames, snapshot);
    if (motion_ && motion_->has_reference()) {
      add_reference_image(motion_->reference(), static_cast<std::int64_t>(motion_->reference_frames_used()), snapshot);
    }
    snapshot.set_frame_index(pipeline_->frames());
    snapshot.set_sequence(last_sequence_);
  } else {
    snapshot.Clear();
  }
  snapshot.set_time_ns(net::now_ns());
}

}  // namespace calmon::daemon
