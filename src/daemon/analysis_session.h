// analysis_session.h — the running session: its Pipeline, the frames held for it, the projection worker.
//
// A session is one stream of frames of one geometry analysed by one Pipeline. This class
// owns what lives exactly as long as that: the Pipeline (kept after the session ends,
// until the next one, so its projections and settled state can still be read), the last
// two frames' message parts with the views of their pixels in them (the newest one's
// traces are computed while the projection worker may still be on the one before; the
// newest is the snapshots' latest frame), the worker itself, and which stream and
// sequence numbers the session has seen. Deciding when a session starts or ends is the
// SessionGate's and the StreamAnalyzer's; publishing what it computes is
// AnalyzerPublishing's.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "calmon/wire.pb.h"
#include "config/roi_limits.h"
#include "core/motion_correction.h"
#include "core/pipeline.h"
#include "core/session_clock.h"
#include "daemon/projection_worker.h"
#include "daemon/roi_work_thread.h"
#include "daemon/sequence_ledger.h"
#include "daemon/session_gate.h"
#include "net/frame_message.h"

namespace calmon::daemon {

// The analysis config as session settings. Negative kept-frame indices count from the
// end of a movie; a live stream has no known end, and its last frame is always in the
// snapshots as "latest", so they are dropped.
PipelineSettings session_settings_of(const pb::Config& analysis);

// A Pipeline for a new session's frames. If the ROIs (or the projections) do not fit the
// frames, the session still gets one — without ROIs, or with the default projections
// too — and `log` says why, naming `session` ("session 3"). Throws only if even that
// fails (out of memory).
std::unique_ptr<Pipeline> build_session_pipeline(const PipelineSettings& settings, std::uint32_t roi_set_version,
                                                 FrameGeometry geometry, const config::RoiLimits& limits,
                                                 const std::string& session,
                                                 const std::function<void(const std::string&)>& log);

class AnalysisSession {
 public:
  bool streaming() const { return streaming_; }
  // The running session's Pipeline, or the last one's after it ended; null before the
  // first session and after stop().
  Pipeline* pipeline() { return pipeline_.get(); }
  const Pipeline* pipeline() const { return pipeline_.get(); }
  // The pixel type of the session's frames as they arrive (the Pipeline's is float32
  // with motion correction).
  pb::PixelType frame_pixel_type() const { return frame_pixel_type_; }
  // The running (or last) session's stream, and its first and last frame's sequence.
  std::uint64_t stream_id() const { return stream_id_; }
  std::uint64_t first_sequence() const { return first_sequence_; }
  std::uint64_t last_sequence() const { return last_sequence_; }
  // The session's time base: each frame's time in seconds from its first frame.
  const SessionClock& clock() const { return clock_; }
  // The time of a frame of this session (frames in the order they are analysed).
  std::optional<double> time_of(const pb::FrameHeader& header);
  // Frame index → sequence, for the settled rows.
  SequenceLedger& ledger() { return ledger_; }
  // The frames a new ROI set must be prepared for: the Pipeline's; none without one.
  std::optional<FrameGeometry> geometry() const;

  // Each session's frames share their ROI work with a second thread (roi_work_thread.h)
  // when `threads` is 2; 1: the pipeline's thread alone. Applies from the next start().
  void set_roi_threads(unsigned threads);

  // Starts streaming with `pipeline`, whose first frame is `first`; with motion
  // correction when the pipeline's settings ask for it (an error if they make no sense
  // for the frames, as a reference of another size).
  void start(std::unique_ptr<Pipeline> pipeline, const pb::FrameHeader& first);

  // Motion correction: null when off.
  const MotionCorrection* motion() const { return motion_ ? &*motion_ : nullptr; }
  // What motion correction did to the newest frame pushed (when on).
  const FrameMotion& last_motion() const { return last_motion_; }
  // The first frames wait, as received, until the reference is built from them.
  bool awaits_reference() const { return motion_ && !reference_tried_; }
  struct WaitingFrame {
    std::vector<zmq::message_t> parts;
    net::ReceivedFrame frame;
    std::uint64_t missing_before = 0;
    std::int64_t receive_time_ns = 0;
  };
  // Keeps a frame (taking its parts) until the reference is built; true once there
  // are as many as it is built from.
  bool wait_for_reference(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts, std::uint64_t missing_before,
                          std::int64_t receive_time_ns);
  // Builds the reference from the waiting frames; returns why it could not be (empty
  // when it was built), the frames are then analysed unregistered.
  std::string build_reference();
  // The frames that waited, in arrival order, to be analysed now.
  std::deque<WaitingFrame> take_waiting();
  // Keeps a frame and its message parts (`parts` then holds those of the frame before
  // the previous one, or nothing) and returns it; it stays valid while it is held.
  const net::ReceivedFrame& hold(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts);
  // The newest held frame's traces, beside the previous frame's images.
  const FrameResult& push_traces();
  // The newest held frame's projections on the other core, once the previous ones are done.
  void start_projections();
  // Ends the stream: waits for the projections, then finishes the Pipeline so its
  // settled tail can be drained. False (and nothing done) if not streaming.
  bool finish();
  // Waits for the projections in flight, then drops the Pipeline and the frames they read.
  void stop();
  // The projections of the Pipeline and the newest frame, or an empty snapshot without one.
  void fill_projections(pb::ProjectionSnapshot& snapshot);

 private:
  struct HeldFrame {
    std::vector<zmq::message_t> parts;
    net::ReceivedFrame frame;
  };

  std::unique_ptr<RoiWorkThread> roi_thread_;  // before pipeline_: outlives the pipeline's use of it
  std::unique_ptr<Pipeline> pipeline_;
  std::array<HeldFrame, 2> held_;
  // What the pipeline sees of each held frame: its pixels, or (motion correction) the
  // registered copy in registered_ of the same slot.
  std::array<AnyFrameView, 2> analysed_;
  std::optional<MotionCorrection> motion_;
  std::array<std::vector<float>, 2> registered_;
  FrameMotion last_motion_;
  std::deque<WaitingFrame> waiting_;
  bool reference_tried_ = false;
  std::size_t newest_ = 0;
  ProjectionWorker projection_worker_;  // after pipeline_: stops before it goes
  bool streaming_ = false;
  pb::PixelType frame_pixel_type_ = pb::PixelType();
  std::uint64_t stream_id_ = 0;
  std::uint64_t first_sequence_ = 0;
  std::uint64_t last_sequence_ = 0;
  SequenceLedger ledger_;
  SessionClock clock_;
};

}  // namespace calmon::daemon
